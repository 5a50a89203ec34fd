"""Teaching notes of the deck: what to say on each slide, the mistake students usually make there, and the time.

Each entry is keyed by an fnmatch pattern of the slide id (``p3-shortcuts*``, ``p4-architecture-*``,
``ex-*-answer``), so a slide split in two or named after its model finds its entry; the first pattern that
matches wins.  The notes state concepts, not numbers: a slide's numbers change with the networks chosen
(``--models basic:2``, ``vgg19``, ``cifar-resnet20``), and a sentence here must hold for every deck the slide
appears in.  So the talking points point at what the slide shows ("read the first bullet") and hold no digit;
the only number they add is the time.

:func:`annotate` puts the notes in front of each slide's own notes (which say where its numbers come from), and
gives the cover the time of the whole deck as built.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase

from ..document import Slide

__all__ = ["LABELS", "NOTES", "Teaching", "annotate", "deck_minutes", "teaching", "teaching_notes"]


@dataclass(frozen=True)
class Teaching:
    """The notes of one kind of slide, in English and Chinese: talking points, the usual mistake, minutes."""

    say: tuple[str, str]
    mistake: tuple[str, str]
    minutes: int


# (English, Chinese) labels of the parts; ``time`` and ``total`` are str.format templates
LABELS: dict[str, tuple[str, str]] = {
    "say": ("Say: ", "讲解："),
    "mistake": ("Usual mistake: ", "常见错误："),
    "time": ("Time: ≈ {minutes} min", "时间：约 {minutes} 分钟"),
    "total": ("; the whole deck as built: ≈ {minutes} min over {slides} slides",
              "；按本次生成的讲义，全部约 {minutes} 分钟，共 {slides} 页"),
    "source": ("Where the numbers come from: ", "数字来源："),
}

NOTES: tuple[tuple[str, Teaching], ...] = (
    # ------------------------------------------------------------------ cover
    ("cover", Teaching(
        ("Name the networks on the slide and the input they are measured at. Tell the class that every number in "
         "the lecture is computed from the built models, so any of them can be rerun. Define the unit early: a "
         "MAC is one multiply-accumulate, and FLOPs count it as two operations.",
         "先介绍本页列出的网络以及测量时使用的输入尺寸。告诉学生：本讲的每个数字都是从实际构建的模型中算出来的，"
         "任何一个都可以重新计算。尽早定义单位：一次 MAC 是一次乘加，FLOPs 把它算作两次运算。"),
        ("Taking a published figure as a property of the network alone: MACs depend on the input size, and "
         "every count on what it includes (biases, batch norm, which layers), so every number here comes with "
         "both.",
         "把论文里的某个数字当作网络本身固有的属性：MACs 取决于输入尺寸，而每个计数都取决于它包含了什么"
         "（偏置、BN、哪些层），所以这里的每个数字都会同时注明这两点。"),
        1)),
    # ------------------------------------------------------------------ part 1
    ("p1-degradation", Teaching(
        ("Start with the puzzle: more layers should not hurt, since the extra layers could learn to copy their "
         "input. Stress that the error that rose is the training error. Then give the argument of the last "
         "bullet: a solution exists, the solver does not find it.",
         "从这个矛盾讲起：层数更多不应该更差，因为多出来的层完全可以学着照搬输入。强调上升的是训练误差。"
         "再讲最后一条的论证：解是存在的，只是优化器找不到。"),
        ("Calling degradation overfitting, or blaming vanishing gradients alone: the training error itself "
         "rose, and the paper trained its plain nets with batch norm, which keeps the gradients from vanishing.",
         "把退化说成过拟合，或者只归咎于梯度消失：上升的是训练误差本身，而且论文中的普通网络都用了 BN，"
         "梯度并没有消失。"),
        3)),
    ("p1-macs-flops", Teaching(
        ("Define the two units first: a MAC is one multiply-accumulate, a FLOP one operation, so one MAC is two "
         "FLOPs. Then walk the tools one by one for the same network: each prints a number, and each difference "
         "is a difference in what is counted, not a different network. End on the paper: its \"FLOPs\" are "
         "multiply-adds.",
         "先定义两个单位：一次 MAC 是一次乘加，一次 FLOP 是一次运算，所以一次 MAC 等于两次 FLOP。"
         "然后对同一个网络逐个看各工具：每个工具给出一个数字，差别都来自统计口径不同，而不是网络不同。"
         "最后回到论文：论文里的“FLOPs”其实是乘加次数。"),
        ("Comparing one tool's \"FLOPs\" with another's without asking what each counts: a factor of two between "
         "MACs and FLOPs, or layers one tool skips, explains the gap.",
         "不问统计口径就拿一个工具的“FLOPs”和另一个工具的比较：MACs 与 FLOPs 相差两倍，"
         "或者某个工具跳过了一些层，差距就是这么来的。"),
        3)),
    ("p1-fig3", Teaching(
        ("Walk the three networks in the paper's order: the VGG net, the plain net, then the same plain net with "
         "shortcuts. Point out that the plain and residual nets have the same layers; only the shortcuts differ, "
         "dashed where the shortcut is a projection.",
         "按论文的顺序看三个网络：VGG、普通网络，再看加了捷径的同一个普通网络。指出普通网络和残差网络的层完全相同，"
         "区别只在捷径，投影捷径用虚线表示。"),
        ("Thinking the residual net is a bigger network than the plain one: the identity shortcuts add no "
         "weights, so the comparison isolates the shortcut itself.",
         "以为残差网络比普通网络更大：恒等捷径不增加任何权重，所以这组比较检验的正是捷径本身。"),
        3)),
    ("p1-residual-unit", Teaching(
        ("Point at the two paths of the drawing: the weighted layers compute F(x), the shortcut carries x "
         "unchanged, and the sum goes through the last ReLU. Then read the bullets: to do nothing, the layers "
         "only have to drive F towards zero.",
         "指着图中的两条通路讲：带权重的层计算 F(x)，捷径原样传递 x，两者相加后再经过最后一个 ReLU。"
         "然后读要点：如果这一层什么都不该做，只需让 F 趋于零。"),
        ("Thinking the network learns to skip layers: the shortcut is always taken, and the layers learn what "
         "to add to their input.",
         "以为网络学会了“跳过”某些层：捷径始终都在，这些层学的是要在输入上加上什么。"),
        3)),
    ("p1-network", Teaching(
        ("Follow the input through the whole network: the stem, the stages, the head. Point at each stage "
         "boundary and say what happens there in this network: the map size, the channels and the kind of "
         "shortcut. End on the global pooling and the classifier.",
         "沿着输入走完整个网络：stem、各个阶段、输出头。在每个阶段的交界处指出这个网络在那里发生了什么："
         "特征图尺寸、通道数以及捷径的类型。最后讲全局池化和分类层。"),
        ("Reading the shortcuts as extra layers: they run beside the blocks and add no depth; only the convs "
         "and the fc on the main path count.",
         "把捷径当成额外的层：它们与块并行，不增加深度；只有主路径上的卷积层和全连接层才计入深度。"),
        2)),
    # ------------------------------------------------------------------ part 2
    ("p2-fig5", Teaching(
        ("Point at the two panels: the basic block keeps one width; the bottleneck narrows the channels with its "
         "first conv, runs the middle conv on the narrow maps and widens them back with the last. Read both "
         "weight counts, then the cost line: about the same cost, on maps with more channels.",
         "指着两幅图讲：基本块始终保持同一宽度；瓶颈结构先用第一个卷积压缩通道，在窄的特征图上做中间的卷积，"
         "再用最后一个卷积恢复宽度。读出两个权重数，再读计算量那一条：代价相当，处理的通道却更多。"),
        ("Saying the bottleneck exists to cut parameters at the same width: the paper compares at about the same "
         "cost, and the bottleneck lets the deep nets work on wider maps for the price of a basic block.",
         "认为瓶颈结构是为了在同样宽度下减少参数：论文是在代价相近的条件下比较的，瓶颈结构让深层网络"
         "以一个基本块的代价处理更宽的特征图。"),
        3)),
    ("p2-same-width", Teaching(
        ("This is the comparison the tutorials print: both blocks at the same input width. The ratio is large "
         "because the bottleneck's middle conv runs on far fewer channels. Send the class back to the previous "
         "slide for the fair comparison.",
         "这是教程里常见的比较：两个块的输入宽度相同。比值之所以很大，是因为瓶颈结构中间的卷积只在少得多的通道上运算。"
         "请学生回到上一页看公平的比较。"),
        ("Quoting this ratio as the bottleneck's saving: the two blocks do different amounts of work per "
         "channel, so the ratio says nothing about which network is better.",
         "把这个比值当成瓶颈结构节省的量：两个块在每个通道上做的计算量不同，这个比值说明不了哪个网络更好。"),
        2)),
    # ------------------------------------------------------------------ part 3
    ("p3-shortcuts-*", Teaching(
        ("Take the drawings one at a time: each is one kind of block of this network, named by its shortcut and "
         "its stride. Show where the shortcut carries weights and where it is a bare connection; the next slide "
         "continues.",
         "逐个看图：每幅图是这个网络中的一类块，按捷径和步长命名。指出哪里的捷径带权重，哪里只是一条直连；下一页继续。"),
        ("Believing a shortcut never has weights: where the shape changes, the shortcut must change it too (a "
         "projection or zero padding) before the add.",
         "以为捷径从来没有权重：形状改变的地方，捷径也必须在相加之前改变形状（用投影或补零）。"),
        2)),
    ("p3-shortcuts", Teaching(
        ("Take the drawings one at a time: each is one kind of block of this network, named by its shortcut and "
         "its stride. Then read the bullets: what each line style means, and what the shortcuts with weights "
         "cost, if this network has any.",
         "逐个看图：每幅图是这个网络中的一类块，按捷径和步长命名。然后读要点：每种线型的含义，"
         "以及带权重的捷径（如果这个网络有的话）要付出多少代价。"),
        ("Believing a shortcut never has weights: where the shape changes, the shortcut must change it too (a "
         "projection or zero padding) before the add.",
         "以为捷径从来没有权重：形状改变的地方，捷径也必须在相加之前改变形状（用投影或补零）。"),
        3)),
    ("p3-stride", Teaching(
        ("Point at the two drawings of the same block: the only change is which conv carries the stride, the "
         "first conv of the branch in the paper's layout, the middle conv in torchvision's. Ask the class what "
         "that should change before showing the next slide.",
         "指着同一个块的两幅图：唯一的区别是步长放在哪个卷积上，论文的布局放在分支的第一个卷积，"
         "torchvision 的布局放在中间的卷积。在翻到下一页之前，先问学生这会改变什么。"),
        ("Assuming every network of one name is the same network: the paper and torchvision place the stride "
         "differently, which changes the MACs and the receptive field.",
         "以为同名的网络就是同一个网络：论文和 torchvision 把步长放在不同的位置，MACs 和感受野都因此不同。"),
        2)),
    ("p3-stride-cost", Teaching(
        ("Read the lines in order: the same weights, a different cost, a different receptive field. Explain the "
         "cost: with the stride on the first conv, the middle conv already runs on the smaller map.",
         "按顺序读：权重相同，计算量不同，感受野也不同。解释计算量的差别：步长放在第一个卷积上时，"
         "中间的卷积已经在缩小后的特征图上运算了。"),
        ("Expecting a stride to change the parameter count: weights depend on kernels and channels only; the "
         "stride changes how many positions are computed.",
         "以为步长会改变参数量：权重只取决于卷积核和通道数；步长改变的是要计算多少个位置。"),
        2)),
    # ------------------------------------------------------------------ part 4
    ("p4-architecture-*", Teaching(
        ("Read one column from top to bottom: each row is a stage with its output size, down to the head. A "
         "bracket is repeated the number of times after it: a block in a ResNet, a conv in a plain net. End on "
         "the totals, and on the printed values where the slide has them.",
         "从上到下读一列：每一行是一个阶段及其输出尺寸，直到输出头。方括号后面的数字是重复次数：在 ResNet 中"
         "括号表示一个块，在普通网络中表示一个卷积。最后读总计，以及页面上有的论文印刷值。"),
        ("Reading the first width in a bottleneck's bracket as the block's output: the block ends on the last "
         "line of the bracket, which is wider.",
         "把瓶颈结构方括号里的第一个宽度当成块的输出宽度：块的输出是方括号的最后一行，它更宽。"),
        2)),
    # ------------------------------------------------------------------ part 5
    ("p5-depth", Teaching(
        ("State the rule first: count the weighted layers on the main path. Then read one formula term by term, "
         "saying what each term counts: stem convs, blocks per stage times convs per block, fc layers. Let the "
         "class check another line themselves.",
         "先讲规则：只数主路径上带权重的层。然后逐项读一个公式，说明每一项数的是什么：stem 的卷积、"
         "每阶段块数乘以每块卷积数、全连接层。"
         "再让学生自己验算另一行。"),
        ("Counting batch norm, ReLU, pooling or the shortcut projections as layers: the depth in the name "
         "counts only the convs and fc layers on the main path.",
         "把 BN、ReLU、池化或捷径上的投影也算作层：名字里的深度只统计主路径上的卷积层和全连接层。"),
        3)),
    ("p5-difference", Teaching(
        ("Only the stages listed change; every other stage stays as it was. The extra depth is the extra blocks "
         "times the layers per block.",
         "只有列出的阶段发生了变化，其余阶段保持不变。多出来的深度就是多出来的块数乘以每块的层数。"),
        ("Thinking a deeper variant deepens every stage evenly: the extra blocks go into the stages on the "
         "slide, and the rest are left as they were.",
         "以为更深的版本是每个阶段均匀加深：多出来的块只加在本页列出的阶段，其余阶段不变。"),
        2)),
    ("p5-other-count", Teaching(
        ("Put the paper's count beside the tutorials' count: they count different things, even where they land "
         "on the same number. Then read the count of every conv and fc, projections included.",
         "把论文的数法和教程的数法并排放：即使得到同一个数，它们数的也是不同的东西。"
         "然后读把投影也算在内、统计所有卷积层和全连接层的数法。"),
        ("Trusting a count because it reaches the number in the name: a count with the max pool and without the "
         "fc can land on it by coincidence, and then fails on other networks.",
         "因为结果等于名字里的数字就相信这种数法：算上最大池化、不算全连接层的数法可能碰巧得到这个数，"
         "换一个网络就不成立了。"),
        2)),
    # ------------------------------------------------------------------ part 6
    ("p6-layer-size", Teaching(
        ("Read the layer's kernel, stride, padding and channels off the first line. Work the output-size formula "
         "on the board, then the weights: input channels per group, times the kernel area, times the output "
         "channels.",
         "从第一行读出这一层的卷积核、步长、填充和通道数。在黑板上推一遍输出尺寸公式，再算权重：每组的输入通道数、"
         "乘以卷积核面积、再乘以输出通道数。"),
        ("Forgetting the floor in the output size, or adding a bias where a batch norm follows: the division "
         "rounds down, and the batch norm's shift makes a bias redundant.",
         "算输出尺寸时忘了向下取整，或者在后面紧跟 BN 的卷积上加偏置：除法要向下取整，"
         "而 BN 的平移参数使偏置变得多余。"),
        3)),
    ("p6-layer-cost", Teaching(
        ("MACs are the weights times the output positions: each weight is used once at every output position. "
         "Where the slide shows the receptive field, the input's field grows by the kernel size minus one steps "
         "of the input's jump, and the stride multiplies the jump.",
         "MACs 等于权重数乘以输出位置数：每个权重在每个输出位置上各用一次。页面上给出感受野时，"
         "输入的感受野增加“卷积核大小减一”个输入步距，而步长使步距成倍增加。"),
        ("Growing the receptive field with the layer's own stride: the growth uses the jump of the layer's "
         "input; this layer's stride only sets the jump for the layers after it.",
         "用这一层自己的步长去算感受野的增长：增长用的是这一层输入的步距；这一层的步长只决定后面各层的步距。"),
        3)),
    ("p6-rf-sketch", Teaching(
        ("Start from the sketch: the units of the layer read sit one jump apart in input pixels, and a window "
         "of k units spans k minus one gaps. Then name the example's inputs, the receptive field and the jump "
         "of the layer it reads, and add the gaps to the field.",
         "从示意图讲起：被读取那一层的各个单元在输入像素上相隔一个步距，k 个单元的窗口跨越 k 减一个间隔。"
         "然后说明例子的输入，即它所读取那一层的感受野和步距，再把这些间隔加到感受野上。"),
        ("Mixing up the jump and the layer's stride: the jump (the effective stride) is the product of all "
         "strides before the layer, in input pixels; the layer's own stride acts only after it.",
         "混淆步距和这一层的步长：步距（即等效步长）是这一层之前所有步长的乘积，以输入像素为单位；"
         "这一层自己的步长只对后面的层起作用。"),
        3)),
    # ------------------------------------------------------------------ part 7
    ("p7-stages", Teaching(
        ("Read the first bullet: which stage holds the most parameters; then the second: which does the most "
         "work. Explain why they need not be the same stage: weights grow with the channels, MACs with the "
         "channels times the map area.",
         "读第一条：哪个阶段参数最多；再读第二条：哪个阶段计算量最大。解释为什么两者不一定是同一个阶段："
         "权重随通道数增长，MACs 随通道数乘以特征图面积增长。"),
        ("Assuming the stage with the most parameters is the slowest: a stage on large maps can cost more with "
         "far fewer weights.",
         "以为参数最多的阶段计算最慢：在大特征图上的阶段，权重少得多，计算量却可能更大。"),
        2)),
    ("p7-family", Teaching(
        ("Each point is one network: read the axes first, then the extremes from the bullets. Ask which networks "
         "buy the most depth for the least cost.",
         "每个点代表一个网络：先读坐标轴，再按要点读出两端的网络。问学生哪些网络以最小的代价换来了最大的深度。"),
        ("Reading parameters as cost: two networks with similar parameter counts can differ several times in "
         "MACs, and the reverse.",
         "把参数量当作计算代价：参数量相近的两个网络，MACs 可能相差好几倍，反之亦然。"),
        2)),
    ("p7-vgg", Teaching(
        ("Read the table row by row: depth, parameters, MACs. Then the fc bullet: how much of VGG's parameters "
         "sit in its fc layers, which ResNet replaces with global average pooling and a single fc.",
         "逐行读表：深度、参数量、MACs。再读全连接层那一条：VGG 有多少参数在全连接层里，"
         "而 ResNet 用全局平均池化加一个全连接层取代了它们。"),
        ("Judging a network by its depth alone: depth, parameters and MACs are three different measures, and a "
         "deeper network can be cheaper or dearer on each.",
         "只凭深度评价网络：深度、参数量和 MACs 是三种不同的度量，更深的网络在每一项上都可能更便宜，也可能更贵。"),
        2)),
    # ------------------------------------------------------------------ part 8
    ("p8-rf-stride", Teaching(
        ("Read the two receptive-field columns from the top: they agree until the first block whose stride "
         "moved, then they differ. The jump column is shared: both layouts have the same strides, in different "
         "places.",
         "从上往下读两列感受野：在第一个移动了步长的块之前它们相同，之后就不同了。步距一列是共用的："
         "两种布局的步长相同，只是位置不同。"),
        ("Treating the receptive field as fixed by the kernels and strides alone: where a stride sits matters "
         "too, because every later kernel's growth is multiplied by the jump in effect where it runs.",
         "以为感受野只由卷积核和步长决定：步长放在哪里同样重要，因为之后每个卷积核带来的增长都要乘以它所在位置的步距。"),
        2)),
    ("p8-rf*", Teaching(
        ("Point at the curve: the receptive field grows at every conv and pool wider than one pixel, and "
         "faster after each stride. Then read the bullets: the last feature map's field and jump, then "
         "whether and where the field outgrows the input, and how many units there see the whole image.",
         "指着曲线讲：感受野在每个窗口宽于一个像素的卷积和池化处增长，每经过一次步长之后增长得更快。"
         "然后读要点：最后一个特征图的感受野和步距，再看感受野是否以及在哪里超过输入，以及那里有多少单元能看到整幅图像。"),
        ("Taking a receptive field wider than the image to mean every unit sees the whole image: a unit near "
         "the border has part of its window over the padding. And at a residual add the field is the union of "
         "the two paths, not a sum along the code.",
         "以为感受野比图像大，每个单元就都能看到整幅图像：靠近边界的单元，窗口有一部分落在填充区域上。"
         "另外，在残差相加处，感受野是两条通路的并集，而不是沿代码顺序的累加。"),
        3)),
    # ------------------------------------------------------------------ part 9
    ("p9-resnext*-figure", Teaching(
        ("Trace one path: its first pointwise conv narrows to the group width, its spatial conv stays inside the "
         "path, its last pointwise conv widens back; then sum the paths with x. Point at the built block beside "
         "it: the paths are its grouped conv, drawn apart, with the same weights.",
         "先沿一条路径讲：第一个逐点卷积把通道压缩到每组的宽度，中间的空间卷积只在这条路径内部计算，"
         "最后一个逐点卷积再扩回原来的宽度；然后把所有路径与 x 相加。再指向旁边实际构建的块："
         "这些路径就是它的分组卷积拆开来画，权重完全相同。"),
        ("Reading the width in the name as the width of the whole grouped conv: it is the width of one group, in "
         "the first stage.",
         "把名字里的宽度当成整个分组卷积的宽度：它是第一阶段中每一组的宽度。"),
        2)),
    ("p9-resnext*-groups", Teaching(
        ("Ask the class first how many times fewer weights a grouped conv has than a dense one; then read the "
         "rows: the groups stay fixed while each group widens stage by stage.",
         "先问学生：分组卷积的权重比不分组少多少倍？然后逐行读：组数不变，每组的宽度逐阶段增加。"),
        ("Dividing the MACs or the channels by the number of groups: only the weights and MACs of the grouped "
         "conv shrink; its input and output channels stay as they are.",
         "把通道数也除以组数：变少的只是分组卷积的权重和乘加次数，它的输入输出通道数并不变。"),
        1)),
    ("p9-wide*-figure", Teaching(
        ("Compare the two panels box by box: the same layout, the inner convs wider, the block's output and its "
         "shortcut unchanged. Then read how much each conv grows: a conv whose both sides widen grows most.",
         "逐个方框对比两幅图：结构相同，内部卷积更宽，块的输出和捷径不变。再读每个卷积增加了多少：输入输出两侧都变宽的"
         "卷积增加得最多。"),
        ("Thinking a wide block doubles its output: only the inside widens; the output, and so the next block's "
         "input, stay as in the standard network.",
         "以为加宽的块把输出也加倍了：只有内部变宽；块的输出，也就是下一个块的输入，与标准网络相同。"),
        2)),
    ("p9-cifar-layout", Teaching(
        ("Read the table top to bottom and add the layers column: the stem, each stage's blocks times two, "
         "the fc. Then write the sum as a multiple of n plus the rest.",
         "从上往下读表格，把层数一列加起来：stem、每个阶段的块数乘以二、全连接层。再把总和写成 n 的倍数加上余下的层。"),
        ("Counting the zero-padding shortcuts or the batch norms as layers: neither has weights on the main "
         "path, so neither is in the depth.",
         "把补零的捷径或 BN 也算成层：它们都不是主路径上带权重的层，所以不计入深度。"),
        1)),
    ("p9-preact-figure", Teaching(
        ("Read the two orders aloud, left panel then right: the same convs, the batch norm and ReLU moved before "
         "each conv, and nothing after the add in the pre-activation unit.",
         "先读左图再读右图，把两种顺序念出来：卷积相同，BN 和 ReLU 移到每个卷积之前，"
         "预激活残差块在相加之后没有任何操作。"),
        ("Thinking pre-activation adds layers: it moves the batch norm and ReLU; the conv weights are the same.",
         "以为预激活增加了层：它只是移动了 BN 和 ReLU，卷积权重完全相同。"),
        2)),
    ("p9-resnext*", Teaching(
        ("Define cardinality: the number of groups of the block's grouped conv. Read the grouped weights "
         "against the dense ones: each group sees only its share of the input channels. Then compare the totals "
         "with the plain ResNet's, where the slide has them.",
         "先定义基数：块中分组卷积的组数。对比分组卷积和普通卷积的权重：每组只看到自己那一份输入通道。"
         "页面上有普通 ResNet 的总计时，再把两者的总计对比一下。"),
        ("Reading the width in the name as the width of every stage: it describes the first stage only; read "
         "the later stages' group widths from the slide.",
         "把名字里的宽度当成每个阶段的宽度：它只描述第一个阶段；后面各阶段的组宽要从页面上读。"),
        3)),
    ("p9-wide*", Teaching(
        ("Point at the inner width, beside the standard network's where the slide gives it: the same depth "
         "and layout, wider inner convs. Then the totals: widening raises the weights and MACs at the same depth.",
         "指出内部宽度，页面给出标准网络时与它对比：深度和布局相同，只是内部卷积更宽。再读总计：加宽在深度不变的情况下"
         "提高了权重数和 MACs。"),
        ("Thinking \"wide\" means wider outputs everywhere: in these networks the inner convs of each "
         "bottleneck are widened, while the block's output channels, and so the shortcuts, stay as in the "
         "standard network.",
         "以为“宽”是指所有输出都变宽：在这些网络中加宽的是每个瓶颈结构内部的卷积，块的输出通道数以及捷径都与标准"
         "网络相同。"),
        2)),
    ("p9-cifar", Teaching(
        ("Where the slide has a depth line, read it: the blocks per stage times the convs per block, over all "
         "stages, plus the stem and the fc. Then the layout the slide gives: the input size, the stem, the "
         "stages' widths and map sizes.",
         "页面上有深度那一行时，先读它：每阶段块数乘以每块卷积数，对所有阶段求和，再加上 stem 和全连接层。"
         "然后看页面给出的布局：输入尺寸、stem、各阶段的宽度和特征图尺寸。"),
        ("Comparing a CIFAR network's MACs with an ImageNet network's as if at one input: MACs grow with the "
         "input area, so each network is measured at the input it was built for.",
         "把 CIFAR 网络的 MACs 与 ImageNet 网络的直接比较，仿佛输入相同：MACs 随输入面积增长，"
         "所以每个网络都要在它设计时的输入尺寸上测量。"),
        3)),
    ("p9-preact", Teaching(
        ("Explain the new order inside the branch: batch norm and ReLU come before each conv, and nothing "
         "follows the add, so the identity path carries the signal unchanged from block to block. Then read "
         "the depth and the totals.",
         "讲清分支内部的新顺序：BN 和 ReLU 放在每个卷积之前，相加之后不再有任何操作，所以恒等通路把信号原样"
         "从一个块传到下一个块。然后读深度和总计。"),
        ("Thinking pre-activation is a new kind of layer: it only reorders batch norm, ReLU and conv; the "
         "convs' weights stay as they were.",
         "以为预激活是一种新的层：它只是调整了 BN、ReLU 和卷积的顺序，卷积的权重并没有变化。"),
        3)),
    ("p9-variants", Teaching(
        ("No variant is among the networks of this deck: name the ideas on the slide in one sentence each, and "
         "say how to build the deck with them.",
         "本讲义的网络中没有变体：用一句话分别介绍页面上的几种思路，并说明如何生成包含它们的讲义。"),
        ("Treating the variants as new architectures: each keeps the residual unit and changes one thing inside "
         "or around the block.",
         "把这些变体当成全新的架构：它们都保留了残差块，只改变块内部或周围的一处设计。"),
        1)),
    # ------------------------------------------------------------------ exercises
    ("ex-*-answer", Teaching(
        ("Show the answer line by line and compare it with the numbers the class gave. Where they differ, find "
         "the step that differs: the convention, the stride, the padding.",
         "逐行展示答案，并与学生给出的数字对照。有出入的地方，找出是哪一步不同：统计口径、步长还是填充。"),
        ("Marking a different number wrong before asking what it counts: many wrong answers are right under "
         "another convention (bias, batch norm, FLOPs instead of MACs).",
         "还没问清统计口径就判定不同的数字是错的：很多“错误”答案在另一种口径下是对的（偏置、BN、FLOPs 与 MACs）。"),
        2)),
    ("ex-*", Teaching(
        ("Read the question aloud, give the class time to work it out on paper, and collect a few answers "
         "before moving on.",
         "把题目读一遍，给学生时间在纸上计算，翻页之前先收集几个答案。"),
        ("Moving to the answer before the class has committed to a number: ask for answers, and the convention "
         "each one used, first.",
         "学生还没给出自己的数字就翻到答案：先请学生报出答案，以及各自采用的统计口径。"),
        4)),
    # ------------------------------------------------------------------ part 10
    ("p10-summary", Teaching(
        ("One line per idea, in the order of the lecture: the residual unit, the bottleneck, the depth count, "
         "the main network's totals, the conventions.",
         "每条对应一个要点，顺序与讲课一致：残差块、瓶颈结构、深度的数法、主网络的总计、统计口径。"),
        ("Leaving with the numbers but not the rules: the rules (what depth counts, what MACs count, how the "
         "field grows) let students redo every number for a network they have not seen.",
         "只记住了数字而没有记住规则：掌握了规则（深度数什么、MACs 数什么、感受野如何增长），"
         "学生就能为没见过的网络重新算出每个数字。"),
        2)),
    ("p10-sources", Teaching(
        ("Point to the source of each idea on the list, and to torchvision for the layouts the models are "
         "built from.",
         "指出列表中每个思路的出处，以及模型布局所依据的 torchvision。"),
        ("Citing a number from a tutorial without its convention: check it against the paper, or recompute it.",
         "引用教程里的数字却不注明口径：要么对照论文核实，要么重新计算。"),
        1)),
)


def _lang_index(lang: str) -> int:
    return 1 if lang == "zh" else 0


def teaching(slide_id: str) -> Teaching | None:
    """The entry of the first pattern that matches ``slide_id``, or None when no pattern does."""
    return next((entry for pattern, entry in NOTES if fnmatchcase(slide_id, pattern)), None)


def teaching_notes(entry: Teaching, lang: str, total: str = "") -> tuple[str, str, str]:
    """The three labelled parts of one slide's notes: what to say, the usual mistake, the time (and, on the
    cover, ``total``: the time of the whole deck)."""
    i = _lang_index(lang)
    return (LABELS["say"][i] + entry.say[i], LABELS["mistake"][i] + entry.mistake[i],
            LABELS["time"][i].format(minutes=entry.minutes) + total)


def deck_minutes(slides: Sequence[Slide]) -> int:
    """The minutes of every slide present that has an entry."""
    return sum(e.minutes for e in (teaching(s.id) for s in slides) if e is not None)


def annotate(slides: Sequence[Slide], lang: str) -> list[Slide]:
    """Each slide with its teaching notes in front of its own, which are labelled as the numbers' source; the
    cover's time adds the whole deck's.  A slide without an entry keeps its notes as they are (a test lists
    such slides)."""
    i = _lang_index(lang)
    total = LABELS["total"][i].format(minutes=deck_minutes(slides), slides=len(slides))
    out = []
    for s in slides:
        entry = teaching(s.id)
        if entry is None:
            out.append(s)
            continue
        own = ((LABELS["source"][i] + s.notes[0], *s.notes[1:]) if s.notes else ())
        parts = teaching_notes(entry, lang, total if s.id == "cover" else "")
        out.append(replace(s, notes=(*parts, *own)))
    return out
