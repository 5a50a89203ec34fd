"""The words of the teaching deck, in English and in Chinese; numbers are filled in by the view.

Each entry is a pair (English, Chinese) of ``str.format`` templates with the same fields, so both decks
carry the same numbers.  The Chinese is written as a lecturer would say it in class, with the usual terms
(残差块, 瓶颈结构, 恒等映射, 投影捷径, 感受野, 下采样, 步长).
"""

from __future__ import annotations

import re

LANGS = ("en", "zh")

TEXT: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------------ cover
    "deck_title": ("ResNet, number by number", "ResNet 逐个数字讲清楚"),
    "cover_models": ("Networks: {models}", "本讲涉及的网络：{models}"),
    "cover_input": ("Input: {input}", "输入尺寸：{input}"),
    "input_default": ("each network's default input ({sizes})", "各网络的默认输入（{sizes}）"),
    "cover_tool": ("Every number computed from the built models by resnet-inspect {version}",
                   "所有数字均由 resnet-inspect {version} 从实际构建的模型中计算得出"),
    "cover_notes": ("Every number in this deck comes from the analysis of the networks named here, built from "
                    "their specifications; none is typed in by hand. MACs count the multiply-accumulates of "
                    "convolutions and fully-connected layers, bias excluded (the paper's and torchvision's "
                    "\"FLOPs\"); FLOPs = 2 × MACs.",
                    "本讲义中的每个数字都来自对上述网络的分析：模型按其配置构建，没有任何数字是手工填写的。"
                    "MACs 指卷积层和全连接层的乘加次数，不含偏置（即论文和 torchvision 所说的“FLOPs”）；"
                    "FLOPs = 2 × MACs。"),
    # ------------------------------------------------------------------ part 1
    "deg_title": ("Deeper plain nets trained worse", "更深的普通网络，训练反而更差"),
    "deg_1": ("Stacking more layers on a plain network raised the error on the training set itself, so it was "
              "not overfitting: He et al. call it degradation.",
              "在普通网络上继续堆叠层数，连训练集上的误差都升高了，所以这不是过拟合，He 等人称之为“退化”问题。"),
    "deg_2": ("They saw it on CIFAR-10 (a 56-layer plain net behind a 20-layer one, Fig. 1) and on ImageNet "
              "(plain-34 behind plain-18, Fig. 4).",
              "论文在 CIFAR-10 上观察到这一点（56 层普通网络不如 20 层，图 1），在 ImageNet 上也一样"
              "（plain-34 不如 plain-18，图 4）。"),
    "deg_3": ("A deeper net could copy the shallow one and make its extra layers identities; the solver did not "
              "find that solution.",
              "按理说，深网络只要复制浅网络，再让多出来的层做恒等映射就行；但优化器找不到这个解。"),
    "deg_notes": ("The training curves are the paper's own (He et al. 2015, Fig. 1 and Fig. 4); this deck draws "
                  "no curve it cannot compute.",
                  "训练曲线来自论文本身（He 等 2015，图 1 和图 4）；本讲义不画任何无法由工具计算出来的曲线。"),
    "unit_title": ("The residual unit: learn F(x) = H(x) − x", "残差块：学习 F(x) = H(x) − x"),
    "unit_1": ("The layers fit the residual F(x) = H(x) − x; the unit outputs F(x) + x.",
               "这几层只拟合残差 F(x) = H(x) − x，残差块输出 F(x) + x。"),
    "unit_2": ("If the identity is what the layer should do, F only has to go to 0.",
               "如果这一层最好什么都不做，只需让 F 趋于 0 即可。"),
    "unit_3": ("The identity shortcut adds no weights and no multiplications: one addition per element.",
               "恒等捷径不增加任何参数和乘法，每个元素只多一次加法。"),
    "unit_caption": ("The residual unit (He et al. 2015, Fig. 2)", "残差块（He 等 2015，图 2）"),
    "unit_notes": ("The drawing is the idea of Fig. 2 of the paper, with no numbers on it. The next slides put "
                   "numbers on real blocks.",
                   "这张图只表达论文图 2 的思想，上面没有数字。后面几页会在真实的残差块上标出具体数字。"),
    # ------------------------------------------------------------------ part 1: Fig. 3 and one whole network
    "fig3_title": ("He et al. 2015, Fig. 3: {a}, {b}, {c}", "He 等 2015，图 3：{a}、{b} 与 {c}"),
    "fig3_lane": ("{depth} layers · {params} params · {macs} MACs", "{depth} 层 · 参数 {params} · 乘加 {macs} 次"),
    "fig3_published": (" (published: {printed})", "（论文公布值：{printed}）"),
    "fig3_1": ("{res} = {plain} + {n} shortcuts: {ni} identity (no weights), {np} projections "
               "({pr} − {pp} = {p} parameters).",
               "{res} = {plain} + {n} 条捷径：{ni} 条恒等捷径（无权重），{np} 条投影捷径"
               "（{pr} − {pp} = {p} 个参数）。"),
    "fig3_2": ("{plain} costs {pct}% of {vgg}'s MACs ({mp} vs {mv}).",
               "{plain} 的乘加次数只有 {vgg} 的 {pct}%（{mp} 对 {mv}）。"),
    "fig3_notes": ("The three networks of the paper's Fig. 3, built here at {input}: one lane each, one cell per "
                   "conv or fc layer of the main path (pools drawn apart and not counted), cut where the map "
                   "shrinks. A value marked \"published\" is printed as the paper printed it; every other number "
                   "is computed.",
                   "这是论文图 3 中的三个网络，这里按 {input} 输入实际构建：每个网络一条横带，"
                   "主路径上每个卷积层或全连接层占一格（池化单独画出，不计入层数），特征图缩小处用虚线分隔。"
                   "标注“论文公布值”的数字照论文原样印出，其余数字均为计算所得。"),
    "fig3_notes_same": ("Here {plain} and {res} have the same layers, so the shortcuts are the only difference; "
                        "the identity ones add no weights and no MACs. The shortcuts do not make {res} cheaper "
                        "than {vgg}: they add {sc} MACs ({mp} → {mr}); the saving is the plain layout's own.",
                        "这里 {plain} 与 {res} 的层完全相同，唯一的区别是捷径，而恒等捷径不增加任何权重和乘加。"
                        "捷径并没有让 {res} 比 {vgg} 便宜：捷径还多了 {sc} 次乘加（{mp} → {mr}），"
                        "省下的计算来自普通网络本身的结构。"),
    "fig3w_output": ("output", "输出"),
    "fig3w_pool": ("pool", "池化"),
    "fig3w_fc": ("fc", "全连接"),
    "fig3w_identity": ("identity shortcut", "恒等捷径"),
    "fig3w_projection": ("projection shortcut", "投影捷径"),
    "fig3w_strided": ("stride {s}", "步长 {s}"),
    "fig3w_legend": ("one cell per weighted layer · colour: channels", "每格一个权重层 · 颜色表示通道数"),
    "fig3w_input": ("input", "输入"),
    "fig3w_conv": ("{k} conv", "{k} 卷积"),
    "fig3w_max_pool": ("max pool", "最大池化"),
    "fig3w_avg_pool": ("avg pool", "平均池化"),
    "fig3w_basic": ("basic block", "基本块"),
    "fig3w_bottleneck": ("bottleneck", "瓶颈块"),
    "fig3w_block": ("{kernels} block", "{kernels} 块"),
    "fig3w_plain": ("{kernels}, no shortcut", "{kernels}，无捷径"),
    "fig3w_times": ("× {n}", "× {n}"),
    "fig3w_channels": ("{c} ch", "{c} 通道"),
    "fig3w_layers": ("{n} layers", "{n} 层"),
    "fig3w_layer": ("1 layer", "1 层"),
    "net_title": ("{model}, end to end", "{model} 的完整结构"),
    "net_1": ("Depth {formula}: the layers under the boxes.", "深度 {formula}，即各方框下方的层数之和。"),
    "net_2": ("{params} parameters and {macs} MACs at {input}.",
              "在 {input} 输入下共 {params} 个参数、{macs} 次乘加。"),
    "net_notes": ("Read the strip left to right: each box says what it does to the tensor, the number under it "
                  "is the weighted layers it adds to the depth, and the red text marks where the map shrinks "
                  "({where}).",
                  "从左往右读：每个方框说明它对张量做了什么，下方的数字是它为深度贡献的权重层数，"
                  "红色文字标出特征图缩小的地方（{where}）。"),
    "net_ask": ("Ask the class which box holds most of the layers ({box}: {n} of {depth}).",
                "可以问学生：哪个方框包含的层最多？（{box}：{depth} 层中的 {n} 层。）"),
    # ------------------------------------------------------------------ diagram words
    # ------------------------------------------------------------------ part 2
    "fig5_title": ("Fig. 5: a basic block at {ca} channels, a bottleneck at {cb}",
                   "论文图 5：{ca} 通道的基本块与 {cb} 通道的瓶颈结构"),
    "fig5_basic_panel": ("Basic block on {c}-channel maps", "基本块（{c} 通道特征图）"),
    "fig5_bottleneck_panel": ("Bottleneck on {c}-channel maps", "瓶颈结构（{c} 通道特征图）"),
    "panel_caption": ("{weights} conv weights · {params} parameters with BN · {macs} MACs at {hw}",
                      "卷积权重 {weights} 个 · 含 BN 参数 {params} 个 · 在 {hw} 上 {macs} 次乘加"),
    "fig5_1": ("Basic: {formula} = {weights} conv weights",
               "基本块：{formula} = {weights} 个卷积权重"),
    "fig5_2": ("Bottleneck: {formula} = {weights} conv weights",
               "瓶颈结构：{formula} = {weights} 个卷积权重"),
    "fig5_3": ("About the same cost ({macs_a} vs {macs_b} MACs) on maps with {ratio}× the channels: that is "
               "why the deep nets use bottlenecks.",
               "计算量相当（{macs_a} 对 {macs_b} 次乘加），处理的特征图却宽了 {ratio} 倍，"
               "这正是深层网络采用瓶颈结构的原因。"),
    "fig5_notes": ("Both blocks are built and inspected here: an identity basic block on {ca}×{hw} maps and an "
                   "identity bottleneck on {cb}×{hw} maps (the conv2_x size). Conv weights are the sum of the "
                   "blocks' conv parameters; parameters add the batch norms' scales and shifts; MACs are conv "
                   "multiply-accumulates at {hw}. This is the paper's own comparison (Fig. 5): similar time "
                   "complexity.",
                   "这两个块都是现场构建并分析的：一个在 {ca}×{hw} 特征图上的恒等基本块，一个在 {cb}×{hw} "
                   "特征图上的恒等瓶颈块（即 conv2_x 的尺寸）。卷积权重是块内各卷积参数之和；参数量再加上 BN 的缩放与"
                   "平移参数；MACs 是在 {hw} 上卷积的乘加次数。这就是论文自己的比较（图 5）：时间复杂度相近。"),
    "same_title": ("The same width, {c} channels: {wa} vs {wb}", "同样宽度 {c} 通道：{wa} 对 {wb}"),
    "same_1": ("Two 3×3 convs at {c} channels: {formula} = {weights} conv weights",
               "{c} 通道上两个 3×3 卷积：{formula} = {weights} 个卷积权重"),
    "same_2": ("The bottleneck squeezes to {mid} channels first: {weights} conv weights, {ratio}× fewer",
               "瓶颈结构先把通道压缩到 {mid}：只有 {weights} 个卷积权重，少 {ratio} 倍"),
    "same_3": ("This is the tutorials' comparison; Fig. 5 on the previous slide is the fair one.",
               "这是很多教程里的比较方式；上一页的论文图 5 才是公平的比较。"),
    "same_notes": ("A basic block and a bottleneck, both taking and giving {c} channels at {hw}, built and "
                   "inspected: {wa} and {wb} conv weights, {ma} and {mb} MACs. The ratio compares different "
                   "amounts of work per channel, so say which comparison is which.",
                   "一个基本块和一个瓶颈块，输入输出都是 {c} 通道、{hw} 大小，现场构建并分析：卷积权重分别为 {wa} 和 "
                   "{wb}，乘加次数分别为 {ma} 和 {mb}。这个倍数比较的是每个通道上工作量不同的两种块，讲的时候要说清楚"
                   "这是哪一种比较。"),
    # ------------------------------------------------------------------ part 3
    "kinds_title": ("Identity and projection shortcuts in {model}", "{model} 中的恒等映射与投影捷径"),
    "kind_projection": ("{blocks}: projection, stride {stride}", "{blocks}：投影捷径，步长 {stride}"),
    "kind_option_a": ("{blocks}: option A (zero-pad), stride {stride}", "{blocks}：方案 A（补零），步长 {stride}"),
    "kind_identity": ("{blocks}: identity, stride {stride}", "{blocks}：恒等映射，步长 {stride}"),
    "kind_none": ("{blocks}: no shortcut, stride {stride}", "{blocks}：无捷径，步长 {stride}"),
    "kinds_2": ("The {n} projections hold {w} conv weights, {p} parameters with their BN: {pct}% of the network.",
                "这 {n} 个投影捷径有 {w} 个卷积权重，连同 BN 共 {p} 个参数，占整个网络的 {pct}%。"),
    "kinds_notes": ("Each block of {model} is classed by its shortcut (weights on it or not) and by its stride, "
                    "read from the inspected rows; one drawing per class. Projection weights are the parameters "
                    "of the shortcut convs and batch norms.",
                    "{model} 的每个块按捷径（有无参数）和步长分类，信息来自分析得到的各层数据；每类画一个。"
                    "投影捷径的参数包括捷径上的卷积和 BN。"),
    "stride_title": ("Where the stride sits: v1 (paper) and v1.5 (torchvision)",
                     "步长放在哪里：v1（论文）与 v1.5（torchvision）"),
    "stride_panel_v1": ("{model} v1: stride on the first 1×1", "{model} v1：步长在第一个 1×1 卷积上"),
    "stride_panel_v15": ("{model} v1.5: stride on the 3×3", "{model} v1.5：步长在 3×3 卷积上"),
    "stride_caption": ("whole network: {macs} MACs, RF {rf} px", "整个网络：{macs} 次乘加，感受野 {rf} 像素"),
    "stride_1": ("Same parameters ({params}); v1.5 costs {delta} more MACs ({macs_a} → {macs_b}, +{pct}%).",
                 "参数量相同（{params}）；v1.5 多出 {delta} 次乘加（{macs_a} → {macs_b}，+{pct}%）。"),
    "stride_2": ("A 1×1 conv with stride {s} skips {n} of every {of} positions; on the 3×3 the stride wastes nothing.",
                 "步长为 {s} 的 1×1 卷积每 {of} 个位置就跳过 {n} 个；把步长放到 3×3 上就不会丢信息。"),
    "stride_3": ("Receptive field of the last feature map: {rf_a} px (v1) vs {rf_b} px (v1.5).",
                 "最后一层特征图的感受野：{rf_a} 像素（v1）对 {rf_b} 像素（v1.5）。"),
    "stride_notes": ("{model} built twice from one spec, stride on the first 1×1 (v1, the paper's Table 1) and on "
                     "the 3×3 (v1.5, torchvision), both inspected at {input}. MACs are conv + fc; receptive fields "
                     "are those of the last feature map. The drawing shows block {block}.",
                     "同一个配置构建两次：{model} 的步长放在第一个 1×1 上（v1，论文表 1）和放在 3×3 上（v1.5，"
                     "torchvision），都在 {input} 输入下分析。MACs 为卷积加全连接；感受野指最后一层特征图。"
                     "图中画的是 {block} 这个块。"),
    # ------------------------------------------------------------------ part 4
    "arch_title": ("Table 1, computed: {models}", "论文表 1 的格式，逐项计算：{models}"),
    "arch_layer": ("layer", "层"),
    "arch_output": ("output",
            "输出"),
    "arch_macs": ("MACs",
            "乘加次数"),
    "arch_params": ("params", "参数量"),
    "arch_maxpool": ("{k} max pool",
                     "{k} 最大池化"),
    "arch_note": ("Computed at {input}.{stride}{source}",
                  "按 {input} 输入计算。{stride}{source}"),
    "arch_v15": (" Built as v1.5 (stride on the 3×3); Table 1 is v1.",
            "所建模型为 v1.5（步长在 3×3 上）；论文表 1 为 v1。"),
    "arch_notes": ("Each column is read from the inspected rows of the built model: the kernels and output channels "
                   "of the first block of each stage (in brackets, × the number of blocks), the stage's output size, "
                   "and the totals. The torchvision layouts (v1.5) put a bottleneck's stride on the 3×3, which costs "
                   "more MACs than the paper's first-1×1 placement.",
                   "每一列都取自所构建模型的分析结果：各阶段第一个块的卷积核与输出通道（方括号内，× 块数）、阶段输出"
                   "尺寸，以及总量。torchvision 的结构（v1.5）把瓶颈结构的步长放在 3×3 上，比论文放在第一个 1×1 上的"
                   "做法乘加次数更多。"),
    # ------------------------------------------------------------------ part 5
    "depth_title": ("Where 18, 34, 50, 101, 152 come from", "18、34、50、101、152 是怎么数出来的"),
    "depth_title_any": ("Where the depth in the name comes from", "名字里的层数是怎么数出来的"),
    "depth_rule": ("Count the weighted layers on the main path: the stem conv, every conv in the blocks, the fc. "
                   "Shortcut projections, BN, ReLU and pooling do not count.",
                   "只数主路径上带权重的层：起始层（stem）的卷积、每个块里的卷积、"
                   "最后的全连接层。投影捷径、BN、ReLU 和池化都不算。"),
    "depth_notes": ("Each formula is written from the counts of the inspected model: stem convs, blocks per "
                    "stage times convs per block, fc layers. The sum is checked against the number of weighted "
                    "main-path layers.",
                    "每个公式都由分析得到的计数写出：起始层（stem）卷积数、每阶段块数 × 每块卷积数、全连接层数；"
                    "总和与主路径上带权重的层数核对一致。"),
    "diff_title": ("{a} vs {b}: {blocks} blocks × {per} layers", "{a} 对 {b}：{blocks} 个块 × {per} 层"),
    "diff_line": ("{stage}: {x} → {y} blocks: {delta:+d} blocks × {per} layers = {layers:+d} layers",
                  "{stage}：{x} → {y} 个块：{delta:+d} 个块 × {per} 层 = {layers:+d} 层"),
    "diff_sum": ("{a} + {gain} = {b}: every other stage is the same.",
                 "{a} + {gain} = {b}：其他阶段完全相同。"),
    "diff_notes": ("Blocks per stage and convs per block come from the two inspected models; the difference is "
                   "the difference of the counts.",
                   "每阶段块数和每块卷积数都来自这两个模型的分析结果；差值就是计数之差。"),
    "seed_title": ("Another count that also lands on {depth}", "另一种数法，也得到 {depth}"),
    "seed_label_other": ("A count found in tutorials: main-path convs + max pools, no fc",
                         "教程里常见的数法：主路径卷积 + 最大池化，不算全连接层"),
    "seed_label_paper": ("The paper's count: main-path convs + fc",
            '论文的数法：主路径卷积 + 全连接层'),
    "seed_3": ("Every conv and fc, projections included: {convs} + {fcs} = {total}.",
               "所有卷积和全连接层都算上（包括投影捷径）：{convs} + {fcs} = {total}。"),
    "seed_4": ("A number is only meaningful with its convention: say what you count.",
               "数字必须配上约定才有意义：要说清楚数的是什么。"),
    "seed_title_diff": ("Other ways of counting {model}", "{model} 的其他数法"),
    "seed_notes": ("All three counts are taken from the same inspected rows of {model}: max pools, main-path "
                   "convs, shortcut convs and fc layers.",
                   "三种数法都来自 {model} 同一份分析结果：最大池化、主路径卷积、捷径卷积和全连接层的个数。"),
    # ------------------------------------------------------------------ part 6
    "layer_title": ("One layer by hand: {layer} of {model}", "手算一层：{model} 的 {layer}"),
    "layer_title2": ("{layer}: what it costs", "{layer}：计算量"),
    "layer_what": ("{kernel} conv, stride {stride}, padding {padding}: {cin} → {cout} channels, on {hin}",
                   "{kernel} 卷积，步长 {stride}，填充 {padding}：{cin} → {cout} 通道，输入 {hin}"),
    "layer_size": ("Output size", "输出尺寸"),
    "layer_params": ("Parameters", "参数量"),
    "layer_macs": ("MACs", "乘加次数"),
    "layer_rf": ("Receptive field", "感受野"),
    "layer_jump": ("Jump", "步距"),
    "layer_bias": ("no bias (the BN after it has the shift)", "没有偏置（后面 BN 的平移参数起这个作用）"),
    "layer_nobias": ("no bias", "没有偏置"),
    "layer_macs_note": ("MACs = weights × output positions (bias excluded)", "乘加次数 = 权重数 × "
                                                                             "输出位置数（不含偏置）"),
    "layer_rf_note": ("r + (k − 1)·j: the input's receptive field r grows by k − 1 steps of its jump j",
                      "r + (k − 1)·j：输入的感受野 r 增加 k − 1 个步距 j"),
    "layer_notes": ("Every number on these two slides is a field of the row {layer} of the inspected {model} at "
                    "{input}: its input and output shapes, kernel, stride, padding, parameters and MACs; the "
                    "receptive field and jump of its input come from the row it reads ({src}). The formulas are "
                    "the ones students redo by hand.",
                    "这两页上的每个数字都是 {model}（输入 {input}）分析结果中 {layer} 这一行的字段："
                    "输入输出形状、卷积核、"
                    "步长、填充、参数量和乘加次数；输入的感受野和步距来自它读取的那一行（{src}）。"
                    "这些公式学生应该能自己手算一遍。"),
    # ------------------------------------------------------------------ MACs and FLOPs (part 1)
    "counts_title": ("MACs or FLOPs? {model}, counted {n} ways", "MACs 还是 FLOPs？{model} 的 {n} 种算法"),
    "counts_1": ("1 MAC (a multiply and an add) = 2 FLOPs. This deck counts conv + fc MACs, bias excluded.",
                 "1 次乘加（MAC）= 2 个 FLOPs。本讲义统计卷积和全连接层的乘加，不含偏置。"),
    "counts_who": ("who prints it", "谁这样算"),
    "counts_what": ("what it counts", "统计的是什么"),
    "counts_paper": ("the paper (Table 1)", "论文表 1"),
    "counts_paper_what": ("conv + fc, v1 layout;\nprinted {printed}", "卷积 + 全连接，v1 结构；\n印刷值 {printed}"),
    "counts_conv_fc": ("torchvision,\nthis deck", "torchvision，\n本讲义"),
    "counts_conv_fc_what": ("conv + fc,\nbias excluded", "卷积 + 全连接，\n不含偏置"),
    "counts_torchinfo": ("torchinfo", "torchinfo"),
    "counts_fvcore": ("fvcore", "fvcore"),
    "counts_calls": ("calls it", "名称"),
    "counts_torchinfo_what": ("+ fc bias,\n+ 2 per BN channel", "另加全连接偏置，\n每个 BN 通道加 2"),
    "counts_fvcore_what": ("+ 2 per BN element,\n+ avg-pool inputs", "每个 BN 元素加 2，\n另加平均池化的输入"),
    "counts_flop_counter": ("FlopCounterMode", "FlopCounterMode"),
    "counts_flop_counter_what": ("2 per conv + fc\nmultiply-add", "卷积 + 全连接\n每次乘加算 2 个"),
    "counts_2": ("Same network, same input: the numbers differ only in what they count. Say which one you quote.",
                 "同一个网络、同样的输入：数字不同，只是统计口径不同。引用时要说明是哪一种。"),
    "counts_notes": ("Each row is {model} at {input} inspected under that tool's convention (the paper's row: the "
                     "same network built with the stride on the first 1×1); FlopCounterMode's row is 2 × the conv + "
                     "fc MACs, which the test suite checks against FlopCounterMode itself.",
                     "每一行都是 {model} 在 {input} 输入下按该工具的口径分析得到的（论文那一行：同一网络按步长在第一个"
                     " 1×1 上构建）；FlopCounterMode 那一行是卷积加全连接乘加次数的 2 倍，测试套件会与 FlopCounterMode "
                     "本身核对。"),
    # ------------------------------------------------------------------ the receptive field, worked (part 6)
    "sketch_title": ("What {layer} sees: {formula} = {rf} px", "{layer} 能看到多少：{formula} = {rf} 像素"),
    "sketch_in": ("Its input, {src}, sees r = {r} px of the image, and its neighbouring units are j = {j} px "
                  "apart{axis}.",
                  "它的输入 {src} 能看到图像上 r = {r} 像素{axis}，相邻单元相距 j = {j} 像素。"),
    "sketch_axis": (" (height; width: r = {r}, j = {j})", "（高度方向；宽度方向 r = {r}，j = {j}）"),
    "sketch_kernel": ("A {k}-wide kernel reads {k} of them, j apart: {formula}",
                      "宽为 {k} 的卷积核读取其中 {k} 个，彼此相距 j：{formula}"),
    "sketch_one": ("A 1-wide kernel reads one of them: the receptive field does not grow.",
                   "宽为 1 的卷积核只读取其中 1 个：感受野不会增大。"),
    "sketch_stride": ("Its stride {s} spreads its own units j·s apart: {formula}",
                      "它的步长 {s} 让它自己的单元相距 j·s：{formula}"),
    "sketch_jump": ("Jump: how many input pixels apart two neighbouring units of a map are.",
                    "步距：一张特征图上相邻两个单元在输入图像上相隔多少像素。"),
    "sketch_caption": ("The window of one unit of {layer}, to scale along one axis",
                       "{layer} 一个单元的窗口，沿一个方向按比例画出"),
    "sketch_notes": ("r and j are the receptive field and jump of the row {src} of the inspected {model} at {input}; "
                     "k and s are {layer}'s kernel and stride; the sketch is drawn to scale from these four numbers.",
                     "r 和 j 是 {model}（输入 {input}）分析结果中 {src} 这一行的感受野和步距；"
                     "k 和 s 是 {layer} 的卷积核和步长；示意图按这四个数字按比例画出。"),
    "layer_flops": ("FLOPs = 2 × MACs", "FLOPs = 2 × 乘加次数"),
    "layer_share": ("{pct}% of the {total} MACs of {model}", "占 {model} 全部 {total} 次乘加的 {pct}%"),
    # ------------------------------------------------------------------ exercises
    "ex_title": ("Your turn: {what}", "轮到你了：{what}"),
    "ex_answer_title": ("Answer: {what}", "答案：{what}"),
    "ex_depth_what": ("how deep is it?", "它有多深？"),
    "ex_depth_given": ("Take {model} and give its stages {blocks} blocks; each block keeps its {per} weighted "
                       "layers on the main path.",
                       "把 {model} 各阶段的块数改为 {blocks}；每个块的主路径上仍有 {per} 个带权重的层。"),
    "ex_depth_ask": ("Count its layers the paper's way. Which layers do you leave out?",
                     "按论文的数法数一数它的层数。哪些层不算？"),
    "ex_depth_leave": ("Left out: {n} shortcut projections, every BN, ReLU and pool.",
                       "不算的：{n} 个投影捷径，以及所有 BN、ReLU 和池化层。"),
    "ex_depth_leave_none": ("Left out: every BN, ReLU and pool.", "不算的：所有 BN、ReLU 和池化层。"),
    "ex_conv_what": ("{layer} of {model}", "{model} 的 {layer}"),
    "ex_conv_given": ("A {kernel} conv, stride {stride}, padding {padding}, {cin} → {cout} channels, on a {hin} "
                      "input.",
                      "一个 {kernel} 卷积，步长 {stride}，填充 {padding}，{cin} → {cout} 通道，输入为 {hin}。"),
    "ex_conv_ask": ("1. Its output size?  2. Its weights?  3. Its MACs?", "1. 输出尺寸？ 2. 权重个数？ 3. 乘加次数？"),
    "ex_conv_same": ("The same MACs as {other}: {w}× the weights, on 1/{w} of the output positions.",
                     "与 {other} 的乘加次数相同：权重是它的 {w} 倍，输出位置数是它的 1/{w}。"),
    "ex_rf_what": ("what {layer} sees", "{layer} 能看到多少"),
    "ex_rf_given": ("Its input, {src}, sees {r} px at a jump of {j} px. {layer} is a {kernel} conv with stride "
                    "{stride}.",
                    "它的输入 {src} 能看到 {r} 像素，步距 {j} 像素。{layer} 是一个 {kernel} 卷积，步长 {stride}。"),
    "ex_rf_ask": ("Its receptive field and its jump?", "它的感受野和步距是多少？"),
    "ex_rf_one": ("A 1×1 conv reads one unit: it mixes channels and adds nothing to the receptive field.",
                  "1×1 卷积只读取一个单元：它混合通道，但不增大感受野。"),
    "ex_notes": ("The question's numbers are fields of the same analysis as the answer on the next slide.",
                 "题目中的数字与下一页的答案来自同一份分析结果。"),
    # ------------------------------------------------------------------ part 7
    "stages_title": ("Parameters and MACs per stage", "各阶段的参数量与乘加次数"),
    "stages_1": ("{model}: {stage} holds {pct}% of the parameters ({params}).",
                 "{model}：{stage} 占全部参数的 {pct}%（{params}）。"),
    "stages_2": ("{stage} does the most work: {pct}% of the MACs ({macs}).",
                 "{stage} 的计算量最大：占乘加次数的 {pct}%（{macs}）。"),
    "stages_3": ("Channels double as the map halves: the last 3×3 conv of each of the {n} stages costs {macs} "
                 "MACs, with {ratio}× the weights of the stage before.",
                 "特征图减半时通道数翻倍：{n} 个阶段中每个阶段最后一个 3×3 卷积都是 {macs} 次乘加，"
                 "但权重是前一阶段的 {ratio} 倍。"),
    "stages_notes": ("Bars are the stage totals of each inspected model (stem, stages, head), conv + fc MACs.",
                     "柱状图是各模型分析结果中每个阶段（stem、各阶段、head）的合计，MACs 为卷积加全连接。"),
    "family_title": ("The family: parameters against MACs", "整个家族：参数量与乘加次数"),
    "family_1": ("Each point is one network: parameters across, MACs up, area by depth.",
                 "每个点代表一个网络：横轴是参数量，纵轴是乘加次数，点的面积表示深度。"),
    "family_2": ("Cheapest: {a}, {ma} MACs. Most expensive: {b}, {mb} MACs ({ratio}×).",
                 "最省：{a}，{ma} 次乘加。最贵：{b}，{mb} 次乘加（{ratio} 倍）。"),
    "family_3": ("Fewest parameters: {a}, {pa}. Most: {b}, {pb}.", "参数最少：{a}，{pa}。最多：{b}，{pb}。"),
    "family_notes": ("Totals of each inspected network at its input; MACs are conv + fc.",
                     "每个网络在各自输入下分析得到的总量；MACs 为卷积加全连接。"),
    "vgg_title": ("{model} vs VGG-19: deeper and cheaper", "{model} 对比 VGG-19：更深，却更省"),
    "vgg_title_plain": ("{model} vs VGG-19", "{model} 对比 VGG-19"),
    "vgg_depth": ("depth", "深度"),
    "vgg_params": ("parameters", "参数量"),
    "vgg_macs": ("MACs", "乘加次数"),
    "vgg_1": ("{ratio_d}× the depth of VGG-19 at {ratio_m}× its MACs and {ratio_p}× its parameters.",
              "深度是 VGG-19 的 {ratio_d} 倍，乘加次数只有它的 {ratio_m} 倍，参数量只有 {ratio_p} 倍。"),
    "vgg_2": ("VGG-19's {n} fc layers hold {pct}% of its parameters.",
              "VGG-19 的 {n} 个全连接层占了它 {pct}% 的参数。"),
    "vgg_notes": ("Both networks inspected at {input}. Depth counts weighted layers on the main path; MACs are "
                  "conv + fc.",
                  "两个网络都在 {input} 输入下分析。深度按主路径上带权重的层计数；MACs 为卷积加全连接。"),
    # ------------------------------------------------------------------ part 8
    "rf_title": ("Receptive field along {model}", "{model} 的感受野变化"),
    "rf_1": ("The last feature map ({layer}) sees {rf} px of the input; its units are {jump} px apart (the jump).",
             "最后一层特征图（{layer}）能看到输入上 {rf} 像素的区域，相邻单元相距 {jump} 像素（步距）。"),
    "rf_2": ("From {layer} on, the receptive field is at least as wide as the {size} input, yet there the whole "
             "image is seen by only {n} of its {units} units: the others' windows hang over a border.",
             "从 {layer} 开始，感受野已不小于 {size} 的输入，但这一层只有 {units} 个单元中的 {n} 个能看到整张图：其余单"
             "元的窗口有一部分落在边界之外。"),
    "rf_2_inside": ("The receptive field stays inside the {size} input: no unit sees the whole image.",
                    "感受野始终小于 {size} 的输入：没有单元能看到整张图。"),
    "rf_3": ("At a residual add the receptive field is the union of both paths, not a sum along the code.",
             "在残差相加处，感受野取两条路径的并集，而不是按代码顺序一路累加。"),
    "rf_notes": ("Receptive field and jump of every main-path conv and pool of {model} at {input}, computed "
                 "over the network's graph (the union of the paths at each add). Rows after global pooling are "
                 "left out: they mix every position.",
                 "{model} 在 {input} 输入下主路径上每个卷积和池化层的感受野与步距，"
                 "都在网络的计算图上求得（相加处取两条路径的"
                 "并集）。全局池化之后的层不列出：它们混合了所有位置。"),
    "rfs_title": ("The stride placement changes what the last layer sees", "步长的位置改变了最后一层的感受野"),
    "rfs_stage": ("stage", "阶段"),
    "rfs_1": ("With the stride on the 1×1 (v1), the next 3×3 already steps at the coarser stride, so every "
              "later layer adds more: {rf_a} px vs {rf_b} px.",
              "步长放在 1×1 上（v1）时，紧随其后的 3×3 已经按更大的步距滑动，"
              "后面每一层增加得更多：{rf_a} 像素对 {rf_b} 像素。"),
    "rfs_notes": ("Stage outputs of {model} v1 and v1.5 at {input}: receptive field and jump as computed for each "
                  "stage's last layer.",
                  "{model} v1 与 v1.5 在 {input} 输入下各阶段的输出：每个阶段最后一层的感受野和步距。"),
    "jump": ("jump", "步距"),
    # ------------------------------------------------------------------ part 9
    "resnext_title": ("ResNeXt: cardinality, a grouped 3×3", "ResNeXt：基数与分组 3×3 卷积"),
    "resnext_1": ("{model}: the 3×3 conv of each block has {groups} groups (cardinality {groups}); channels per "
                  "group, stage by stage: {widths}.",
                  "{model}：每个块里的 3×3 卷积分成 {groups} 组（基数为 {groups}）；各阶段每组的通道数：{widths}。"),
    "resnext_2": ("{layer}: {formula} = {weights} weights; dense it would be {dense_formula} = {dense}.",
                  "{layer}：{formula} = {weights} 个权重；若不分组则为 {dense_formula} = {dense} 个。"),
    "resnext_3": ("{model}: {params} parameters, {macs} MACs.", "{model}：参数量 {params}，乘加次数 {macs}。"),
    "wide_title": ("Wide ResNets: wider bottlenecks, same depth", "Wide ResNet：更宽的瓶颈，深度不变"),
    "wide_1": ("{model}: the bottleneck's inner width is {w} channels in the first stage",
            '{model}：第一阶段瓶颈结构内部宽度为 {w} 个通道'),
    "wide_2": ("{model}: depth {depth}, {params} parameters, {macs} MACs.",
               "{model}：深度 {depth}，参数量 {params}，乘加次数 {macs}。"),
    "cifar_title": ("CIFAR ResNets",
                    "CIFAR 上的 ResNet"),
    "cifar_3": ("Option A shortcuts (zero-padding) add no parameters: {params} in all.",
                "方案 A 的捷径（补零）不引入参数：总共 {params} 个参数。"),
    "cifar_3b": ("{params} parameters, {macs} MACs at {input}.", "参数量 {params}，在 {input} 输入下 {macs} 次乘加。"),
    "cifar_adapt": ("{model}: a later community adaptation (3×3 stride-1 stem, no max pool), not a network of the "
                    "paper.",
                    "{model}：后来社区改编的版本（起始层为 3×3、步长 1 的卷积，没有最大池化），并非论文中的网络。"),
    "preact_title": ("Pre-activation units and 1000-layer nets", "预激活残差块与 1000 层的网络"),
    "preact_1": ("BN → ReLU → conv inside the branch; nothing after the add, so the identity path stays clean "
                 "from end to end.",
                 "分支内部是 BN → ReLU → 卷积；相加之后不再有激活，恒等通路从头到尾保持干净。"),
    "preact_3": ("{model}: {params} parameters, {macs} MACs at {input}.",
                 "{model}：参数量 {params}，在 {input} 输入下 {macs} 次乘加。"),
    "resnext_notes": ("A grouped conv's weights: C_in/groups · k · k · C_out.",
                      "分组卷积的参数量：C_in/groups · k · k · C_out。"),
    "variants_notes": ("Numbers from the inspected {models} at {input}.",
                       "数字来自对 {models} 在 {input} 输入下的分析。"),
    "variants_title": ("Variants", "ResNet 的变体"),
    "variants_none": ("No variant was chosen for this deck; add e.g. --models resnext50_32x4d wide_resnet50_2 "
                      "cifar-resnet56 preact-resnet1001.",
                      "本讲义没有选择任何变体；可以加上例如 --models resnext50_32x4d wide_resnet50_2 cifar-resnet56 "
                      "preact-resnet1001。"),
    "variants_concepts": ("ResNeXt (grouped 3×3), wide ResNets (wider blocks), CIFAR ResNets (6n + 2), "
                          "pre-activation units (BN → ReLU → conv).",
                          "ResNeXt（分组 3×3 卷积）、Wide ResNet（更宽的块）、CIFAR ResNet（6n + 2 层）、"
                          "预激活残差块（BN → ReLU → 卷积）。"),
    # ---- part 9: the variants' figures
    "resnext_fig_title": ("{model}: split, transform, merge — {c} paths of width {d}",
                          "{model}：拆分、变换、合并——{c} 条宽度为 {d} 的路径"),
    "resnext_paths_panel": ("The block as {c} paths of width {d}, summed",
                            "把这个块看成 {c} 条宽度为 {d} 的路径，再相加"),
    "resnext_paths_caption": ("{c}·({per_path}) = {weights} conv weights",
                              "{c}·({per_path}) = {weights} 个卷积权重"),
    "resnext_built_panel": ("As built: {block}, its 3×3 conv in {g} groups",
                            "实际构建的 {block}：3×3 卷积分成 {g} 组"),
    "resnext_fig_1": ("The same weights either way: {formula} = {weights}.",
                      "两种画法的权重相同：{formula} = {weights}。"),
    "resnext_fig_notes": ("Drawn: {block} at {input}. Xie et al. 2017, Fig. 3: the paths (a) and the grouped conv "
                          "(c) are one block: path i's 3×3 is group i of {layer}, its first 1×1 makes channels "
                          "i·d … i·d + d − 1 of the block's first 1×1, its last 1×1 reads the same channels of the "
                          "last one; BN and ReLU act channel by channel, so they split along the paths too, and the "
                          "paths leave them out.",
                          "图中画的是 {block}，输入 {input}。Xie 等（2017）图 3：路径形式 (a) 与分组卷积"
                          "形式 (c) 是同一个块：第 i 条路径的 3×3 卷积就是 {layer} 的第 i 组，它的第一个 1×1 卷积"
                          "给出块中第一个 1×1 的第 i·d … i·d + d − 1 个输出通道，它的最后一个 1×1 读取最后那个卷积的"
                          "同一组通道；BN 与 ReLU 逐通道计算，也随路径拆开，路径图中略去。"),
    "resnext_table_title": ("{model}: the grouped 3×3, stage by stage", "{model}：各阶段的分组 3×3 卷积"),
    "resnext_channels": ("3×3 channels", "3×3 通道数"),
    "resnext_groups": ("groups × width", "组数 × 每组宽度"),
    "resnext_grouped": ("weights, grouped", "分组卷积的权重"),
    "resnext_dense": ("not grouped", "不分组时"),
    "resnext_table_1": ("A block's grouped 3×3 holds C_in/groups · k · k · C_out weights; without groups it would "
                        "hold C_in · k · k · C_out, {ratio}× as many, in every stage.",
                        "每个块的分组 3×3 卷积有 C_in/groups · k · k · C_out 个权重；不分组则为 C_in · k · k · C_out "
                        "个，每个阶段都多 {ratio} 倍。"),
    "resnext_table_1_stages": ("A block's grouped 3×3 holds C_in/groups · k · k · C_out weights.",
                               "每个块的分组 3×3 卷积有 C_in/groups · k · k · C_out 个权重。"),
    "resnext_table_notes": ("Each row: the grouped conv of {model}'s blocks in that stage (the same in every block of "
                            "the stage unless the row names a layer); weights only, bias excluded, read from the "
                            "built convs' shapes.",
                            "每一行：{model} 在该阶段各块中的分组卷积（除非该行注明某一层，同一阶段的每个块都相同）；"
                            "只数权重，不含偏置，读自所构建卷积的形状。"),
    "wide_fig_title": ("Standard vs wide bottleneck: {ws} vs {ww} channels inside",
                       "标准与加宽的瓶颈结构：内部 {ws} 对 {ww} 个通道"),
    "wide_std_panel": ("Standard: {block}, {w} channels inside", "标准：{block}，内部 {w} 个通道"),
    "wide_panel": ("{model}: {block}, {w} channels inside", "{model}：{block}，内部 {w} 个通道"),
    "wide_fig_1": ("Conv weights {a} vs {b} ({r}×); MACs {ma} vs {mb}.",
                   "卷积权重 {a} 对 {b}（{r} 倍）；乘加次数 {ma} 对 {mb}。"),
    "wide_fig_2": ("Inner width {w}×: the 1×1 convs' weights grow {r1}×, the 3×3's {r3}× (both its sides widen).",
                   "内部宽度 {w} 倍：1×1 卷积的权重增加到 {r1} 倍，3×3 卷积增加到 {r3} 倍（它的输入和输出都变宽）。"),
    "wide_fig_notes": ("Drawn: {block} of {model} at {input}, beside the same block of the same network built with "
                       "64 channels per group (the standard ResNet layout).",
                       "图中画的是 {model} 的 {block}（输入 {input}），旁边是同一网络按每组 64 个通道（标准 ResNet）"
                       "构建时的同一个块。"),
    "op_conv": ("{k} conv", "{k} 卷积"),
    "preact_fig_title": ("Original vs pre-activation unit: the same block, reordered",
                         "原始残差块与预激活残差块：同一个块，顺序不同"),
    "preact_orig_panel": ("Original unit (He et al. 2015): {block}", "原始残差块（He 等，2015）：{block}"),
    "preact_panel": ("Pre-activation unit (He et al. 2016): {block}", "预激活残差块（He 等，2016）：{block}"),
    "preact_fig_orig": ("Original: {order}", "原始：{order}"),
    "preact_fig_pre": ("Pre-activation: {order}", "预激活：{order}"),
    "preact_fig_notes": ("Drawn: {block} of {model} at {input}, and the same block of the same network built with "
                         "original units; conv weights: {weights}. He et al. 2016, Fig. 4 (a) and (e).",
                         "图中画的是 {model} 的 {block}（输入 {input}），以及同一网络用原始残差块构建时的同一个块；"
                         "卷积权重：{weights}。He 等（2016）图 4 (a) 与 (e)。"),
    "cifar_layout_title": ("{model}, part by part", "{model}：逐部分分解"),
    "cifar_part": ("part", "部分"),
    "cifar_layers": ("layers counted", "计入的层数"),
    "cifar_part_stem": ("stem", "stem"),
    "cifar_part_stage": ("{name}", "{name}"),
    "cifar_part_head": ("{name}", "{name}"),
    "cifar_depth": ("depth", "深度"),
    "cifar_layout_n": ("{c}n + {d} with n = {n}: {c}·{n} + {d} = {depth}.",
                       "{c}n + {d}，其中 n = {n}：{c}·{n} + {d} = {depth}。"),
    "cifar_layout_notes": ("Rows: the depth account of {model} at {input}: main-path convs and the fc (shortcuts, BN, "
                           "ReLU and pools not counted); outputs as C×H×W.",
                           "各行来自 {model} 在 {input} 输入下的深度统计：主路径上的卷积层和全连接层（捷径、BN、ReLU "
                           "和池化不计）；输出写作 C×H×W。"),
    # ------------------------------------------------------------------ part 10
    "summary_title": ("Summary", "小结"),
    "summary_1": ("A block learns F(x); the shortcut carries x, free when the shapes match.",
                  "残差块学习 F(x)；捷径传递 x，形状一致时不需要任何参数。"),
    "summary_2": ("A bottleneck on {cb} channels costs what a basic block on {ca} does: {wb} vs {wa} conv weights.",
                  "{cb} 通道上的瓶颈结构与 {ca} 通道上的基本块代价相当：{wb} 对 {wa} 个卷积权重。"),
    "summary_3": ("Depth counts weighted main-path layers: {formula}.", "深度只数主路径上带权重的层：{formula}。"),
    "summary_4": ("{model}: {params} parameters, {macs} MACs, receptive field {rf} px, jump {jump} px.",
                  "{model}：参数量 {params}，乘加次数 {macs}，感受野 {rf} 像素，步距 {jump} 像素。"),
    "summary_5": ("Every number comes with its convention: what is counted, at which input.",
                  "每个数字都要带上约定：数的是什么，输入多大。"),
    "summary_notes": ("The numbers repeat those of the earlier slides, from the same analyses.",
                      "这些数字与前面各页一致，来自同一份分析结果。"),
    "sources_title": ("Sources", "参考文献"),
    "sources_tool": ("resnet-inspect {version}: every number in this deck, computed from the built models; "
                     "MACs are conv + fc multiply-accumulates, bias excluded.",
                     "resnet-inspect {version}：本讲义中的所有数字，均由所构建的模型计算得出；"
                     "MACs 为卷积和全连接层的乘加次数，不含偏置。"),
    "sources_notes": ("The papers are cited for what they observed and proposed; where a slide shows a published "
                      "number, it is printed beside the computed one with its source and what it counts.",
                      "引用这些论文是为了它们的观察与方法；幻灯片上出现的论文公布值，都与计算值并列，并注明来源和统计"
                      "口径。"),
    "n_blocks": ("{n} blocks",
                 "{n} 个块"),
    "kind_drawn": (" — drawn: {block}",
                   "——图中画的是 {block}"),
    "kind_one": ("{weights} conv weights · {params} parameters with BN · {macs} MACs",
                 "卷积权重 {weights} 个 · 含 BN 参数 {params} 个 · {macs} 次乘加"),
    "kind_alike": ("each: {weights} conv weights · {params} parameters with BN · {macs} MACs",
                   "每个块：卷积权重 {weights} 个 · 含 BN 参数 {params} 个 · {macs} 次乘加"),
    "kind_range": ("{lo}–{hi} parameters per block, {total} in all {n} · {macs}",
            "每个块 {lo}–{hi} 个参数，{n} 个块共 {total} 个 · {macs}"),
    "kinds_identity": ("Solid: the identity, no weights.",
                       "实线：恒等映射，没有参数。"),
    "kinds_projection_where": ("Dashed: a {k} projection, in the {n} of {total} blocks where the shape changes.",
                               "虚线：{k} 投影捷径，只用在形状改变的 {n} 个块上（共 {total} 个块）。"),
    "kinds_projection": ("Dashed: a {k} projection, in {n} of {total} blocks.",
                         "虚线：{k} 投影捷径，用在 {total} 个块中的 {n} 个上。"),
    "kinds_option_a": ("Option A: the identity, subsampled and zero-padded where the shape changes; no weights.",
                       "方案 A：恒等映射，在形状改变处下采样并补零；没有参数。"),
    "kinds_none": ("No shortcut: the block is a plain stack of layers.",
                   "无捷径：这些块只是层的简单堆叠。"),
    "sep": (", ", "，"),
    "list_sep": (", ", "、"),  # between names in a list
    "bracket_sep": ("; ", "；"),
    "sentence_sep": (" ", ""),
    "arch_avgpool": ("avg pool",
                     "平均池化"),
    "arch_fc": ("{n}-d fc",
                "{n} 维全连接"),
    "arch_v1": ("MACs, v1 (printed)",
            "v1 乘加（印刷值）"),
    "arch_published": ("printed in Table 1",
                       "论文表 1 印刷值"),
    "names_range": ("{a} to {b}",
                    "{a} 至 {b}"),
    "arch_down": ("The first block of {names} downsamples (stride {s}).",
                  "{names} 的第一个块负责下采样（步长 {s}）。"),
    "arch_published_note": ("The printed values are the paper's Table 1 FLOPs row (one decimal, some values rounded "
                            "and some cut): multiply-adds of its own networks, which put the stride on the first "
                            "1×1, so they compare with the v1 layout.",
                            "印刷值是论文表 1 中 FLOPs 行的原样数字（一位小数，有的四舍五入，有的直接截断）：是论文"
                            "自己网络的乘加次数，步长在第一个 1×1 上，所以应与 v1 结构比较。"),
    "arch_source": (" In brackets: {source}, as printed.",
            "括号内为 {source} 的印刷值。"),
    "rf_all": ("Every unit sees the whole image from {layer} on.",
               "从 {layer} 开始，每个单元都能看到整张图。"),
    "rf_last": ("At the last feature map ({layer}), the whole image is seen by {n} of its {units} units.",
                "到最后一层特征图（{layer}），{units} 个单元中有 {n} 个能看到整张图。"),
    "rfs_1_plain": ("Receptive field of the last feature map: {rf_a} px (v1) vs {rf_b} px (v1.5).",
                    "最后一层特征图的感受野：{rf_a} 像素（v1）对 {rf_b} 像素（v1.5）。"),
    "resnext_name": ("The \"{tag}\" in the name is the group width of the first stage ({stage}) only.",
                     "名字里的 “{tag}” 只是第一个阶段（{stage}）的每组宽度。"),
    "wide_base": (" ({base} in {ref}).",
                  "（{ref} 是 {base}）。"),
    "cifar_title_n": ("CIFAR ResNets: {c}n + {d} layers",
                      "CIFAR 上的 ResNet：{c}n + {d} 层"),
    "variant_depth": ("{model}: {formula}.",
                      "{model}：{formula}。"),
    "variant_depth_n": ("{model}: {formula}, so n = {n}: {c}·{n} + {d} = {depth}.",
                        "{model}：{formula}，即 n = {n}：{c}·{n} + {d} = {depth}。"),
    "variant_stages": ("{k} stages of {widths} channels on {sizes} maps; the stem: a {stem} conv, {pool}.",
                       "{k} 个阶段，通道数 {widths}，特征图 {sizes}；起始层（stem）是一个 {stem} 卷积，{pool}。"),
    "with_max_pool": ("then a max pool",
                      "之后是最大池化"),
    "no_max_pool": ("no max pool",
                    "没有最大池化"),
    "published_same": ("{model}: {params} parameters; published: {printed} ({source}).",
                       "{model}：参数量 {params}；论文公布值：{printed}（{source}）。"),
    "published_conv_fc": ("Published: {printed} ({source}), which counts the conv and fc weights and biases only: "
                          "{cf} here; batch norm adds {bn} ({cf} + {bn} = {params}).",
                          "论文公布值：{printed}（{source}），只计卷积层和全连接层的权重与偏置：这里是 {cf}；BN 另有 "
                          "{bn} 个（{cf} + {bn} = {params}）。"),
    "arch_source_row": (" Last row: {source}, as printed.",
                        "最后一行为 {source} 的印刷值。"),
    "kind_macs_each": ("{macs} MACs each",
            "每个块 {macs} 次乘加"),
    "kind_macs_range": ("{mlo}–{mhi} MACs per block",
            "每个块 {mlo}–{mhi} 次乘加"),
    "rfs_v1": ("v1 RF", "v1 感受野"),
    "rfs_v15": ("v1.5 RF", "v1.5 感受野"),
    "graph_input": ("input", "输入"),
}


_NAME_PARENS = re.compile(r"(?<=[\w\u4e00-\u9fff]) \(([^()]*)\) ?(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])")


def t(lang: str, key: str, **fields: object) -> str:
    """The text ``key`` in ``lang`` (``en`` or ``zh``) with ``fields`` filled in; a ``source`` field (a short
    citation such as "He et al. 2015, Table 1") is written in ``lang`` too."""
    en, zh = TEXT[key]
    if "source" in fields:
        fields["source"] = cite(lang, str(fields["source"]))
    if lang != "zh":
        return en.format(**fields)
    # a name's or a panel's parentheses ("ResNeXt-50 (32×4d)", "(a)") become full width before Chinese text
    return _NAME_PARENS.sub(r"（\1）", zh.format(**fields))


# A short citation's English words, in Chinese: "He et al. 2015, Table 1" → "He 等 2015，表 1".
_CITE_ZH = ((" et al. ", " 等 "), (", Table ", "，表 "), (", Fig. ", "，图 "), (", text", "，正文"),
            (" (CIFAR-10)", "（CIFAR-10）"))


def cite(lang: str, short: str) -> str:
    """A short citation in ``lang``: author and year as published, the table or figure in its words."""
    if lang != "zh":
        return short
    for en, zh in _CITE_ZH:
        short = short.replace(en, zh)
    return short


# The reference list, in Chinese where an entry is a description rather than a paper's title (titles of
# papers are kept as published).
SOURCE_TEXT: dict[str, dict[str, str]] = {
    "en": {},
    "zh": {"torchvision": "torchvision.models.resnet：torchvision 的 ResNet 结构，瓶颈结构的步长放在 3×3 卷积上"
                          "（即“v1.5”）。"},
}


def source_text(lang: str, key: str, text: str) -> str:
    """The reference list's entry ``key`` in ``lang`` (its own ``text`` when it is a paper's citation)."""
    return SOURCE_TEXT.get(lang, {}).get(key, text)


# The words drawn inside the block diagrams (the keys of resnet_inspect.figures.deck.WORDS), per language.
DIAGRAM_WORDS: dict[str, dict[str, str]] = {
    "en": {},
    "zh": {
        "conv": "{k} 卷积，{c}",
        "groups": "，分 {g} 组",
        "conv_weights": "{n} 个卷积权重",
        "conv_weights_bias": "{n} 个卷积权重 + {b} 个偏置",
        "projection": "投影捷径",
        "projection_weights": "{n} 个卷积权重\n（含 BN 共 {p} 个参数）",
        "option_a": "方案 A：下采样并补零",
        "identity": "恒等映射 x",
        "out": "输出",
        "weight_layer": "权重层",
        "identity_x": "x（恒等映射）",
        "paths_more": "⋮ 另外 {n} 条 ⋮",
    },
}

# The words of the plots (the keys of resnet_inspect.figures.plots.WORDS): the slide's title replaces the
# plot's own, and the slide's text says who sees the whole image, so both are left out of the drawing.
_PLOT_SHARED = {"rf_title": "", "family_title": "", "rf_note": ""}
PLOT_WORDS: dict[str, dict[str, str]] = {
    "en": {**_PLOT_SHARED, "jump_axis": "jump (px)", "layer_axis": "conv and pool layers, in order"},
    "zh": {
        **_PLOT_SHARED,
        "params_per_stage": "各阶段参数量",
        "macs_per_stage": "各阶段乘加次数（卷积 + 全连接）",
        "stage": "阶段",
        "rf_line": "感受野（像素）",
        "rf_height_line": "感受野，高度方向（像素）",
        "rf_width_line": "感受野，宽度方向（像素）",
        "input_size": "输入尺寸 {n} 像素",
        "input_height": "输入高度 {n} 像素",
        "input_width": "输入宽度 {n} 像素",
        "jump_line": "步距（像素）",
        "jump_axis": "步距（像素）",
        "layer_axis": "卷积层与池化层，按顺序",
        "rf_axis": "感受野（像素）",
        "params_axis": "参数量",
        "macs_axis": "乘加次数 MACs（卷积 + 全连接）",
        "log_scale": "（对数坐标）",
        "family_at": "输入 {size}",
        "family_each": "各自的默认输入",
        "family": "系列",
        "depth": "深度",
        "layers": "{n} 层",
        "family:custom": "自定义",
    },
}


def diagram_words(lang: str) -> dict[str, str]:
    """The words drawn inside the block diagrams, in ``lang``."""
    return dict(DIAGRAM_WORDS[lang])


def plot_words(lang: str) -> dict[str, str]:
    """The words of the plots, in ``lang``."""
    return dict(PLOT_WORDS[lang])


# The words of the receptive-field sketch (the keys of resnet_inspect.figures.rf_sketch.WORDS), per language.
SKETCH_WORDS: dict[str, dict[str, str]] = {
    "en": {},
    "zh": {
        "unit": "{layer} 的 1 个单元",
        "inputs": "{k} 个输入单元，相距 j = {j} 像素",
        "input": "1 个输入单元",
        "window": "每个能看到 r = {r} 像素",
        "union": "合起来：{formula} = {rf} 像素",
        "next": "下一个单元：j·s = {jump} 像素之外",
        "axis": "输入像素（沿一个方向，以该单元为中心）",
    },
}


def sketch_words(lang: str) -> dict[str, str]:
    """The words of the receptive-field sketch, in ``lang``."""
    return dict(SKETCH_WORDS[lang])
