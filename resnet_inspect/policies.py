"""What a MAC count includes, per policy: plain data, importable without torch (the CLI's --help uses it)."""

from __future__ import annotations

POLICIES = {
    "conv-fc": "conv + fc multiply-accumulates, bias excluded (torchvision's GFLOPS, the paper's Table 1)",
    "all": "conv + fc, plus 1 per element for batch norm, activations and residual adds, "
           "1 per window element for pooling",
    "torchinfo": "torchinfo 1.8 mult-adds: conv + fc with fc bias, plus 2·C per batch norm per sample",
    "fvcore": "fvcore FlopCountAnalysis (eval): conv + fc, plus 2 per affine batch-norm element and "
              "1 per adaptive-avg-pool input element",
}

__all__ = ["POLICIES"]
