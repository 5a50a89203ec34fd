"""Model definitions: residual units and the assembly of a network from a spec."""

from .blocks import BasicBlock, Bottleneck, PreActBasicBlock, PreActBottleneck, ZeroPadShortcut
from .resnet import VGG, ResNet, build_from_spec

__all__ = ["VGG", "BasicBlock", "Bottleneck", "PreActBasicBlock", "PreActBottleneck", "ResNet",
           "ZeroPadShortcut", "build_from_spec"]
