<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>RunLibrary</name>
    <message>
        <source>not recorded: the run library in %1 cannot be opened (%2)</source>
        <translation>未记录：无法打开 %1 中的运行记录库（%2）</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>未知错误</translation>
    </message>
</context>
<context>
    <name>traveller::CoreMessages</name>
    <message>
        <source>line %1, column %2: %3</source>
        <translation>第 %1 行第 %2 列：%3</translation>
    </message>
    <message>
        <source>diverged at epoch {0}: {1} ({2} is too high?)</source>
        <translation>在第 {0} 个迭代周期发散：{1}（{2} 太大？）</translation>
    </message>
    <message>
        <source>the loss became NaN</source>
        <translation>损失变成了 NaN</translation>
    </message>
    <message>
        <source>the loss became infinite</source>
        <translation>损失变成了无穷大</translation>
    </message>
    <message>
        <source>the gradient norm became NaN</source>
        <translation>梯度范数变成了 NaN</translation>
    </message>
    <message>
        <source>the gradient norm became infinite</source>
        <translation>梯度范数变成了无穷大</translation>
    </message>
    <message>
        <source>learning rate {0}</source>
        <translation>学习率 {0}</translation>
    </message>
    <message>
        <source>perplexity {0} exceeds {1}, {2} x the vocabulary size</source>
        <translation>困惑度 {0} 超过 {1}（词表大小的 {2} 倍）</translation>
    </message>
    <message>
        <source>blew up at epoch {0}: {1}; training continued (train.on_divergence: continue)</source>
        <translation>在第 {0} 个迭代周期发散：{1}；训练继续进行（train.on_divergence: continue）</translation>
    </message>
    <message>
        <source>false needs data.sampling: sequential (random batches start from a zero state, so there is nothing to carry)</source>
        <translation>为 false 时需要 data.sampling: sequential（随机采样的批量从零状态开始，没有可传递的隐状态）</translation>
    </message>
    <message>
        <source>false keeps the whole epoch&apos;s graph: {0} time steps x {1} streams, about {2} GiB, over the limit of {3} GiB; use fewer data.max_tokens or a smaller model</source>
        <translation>为 false 时要保留整个迭代周期的计算图：{0} 个时间步 × {1} 个序列，约 {2} GiB，超过上限 {3} GiB；请减小 data.max_tokens 或使用更小的模型</translation>
    </message>
    <message>
        <source>unknown device &apos;{0}&apos;: use cpu, cuda, cuda:N or auto</source>
        <translation>未知设备“{0}”：请使用 cpu、cuda、cuda:N 或 auto</translation>
    </message>
    <message>
        <source>device {0} requested, but this LibTorch build has no CUDA support (Debian&apos;s libtorch is CPU-only); use --device cpu, or build against a CUDA LibTorch</source>
        <translation>请求了设备 {0}，但此 LibTorch 构建不支持 CUDA（Debian 的 libtorch 仅支持 CPU）；请使用 --device cpu，或基于支持 CUDA 的 LibTorch 构建</translation>
    </message>
    <message>
        <source>device {0} requested, but no CUDA GPU is visible (check the driver and CUDA_VISIBLE_DEVICES); use --device cpu</source>
        <translation>请求了设备 {0}，但看不到任何 CUDA GPU（请检查驱动和 CUDA_VISIBLE_DEVICES）；请使用 --device cpu</translation>
    </message>
    <message>
        <source>bf16 needs a CPU with AVX512-BF16 or AMX, and this one has neither; use fp32</source>
        <translation>bf16 需要支持 AVX512-BF16 或 AMX 的 CPU，而这台 CPU 两者都没有；请使用 fp32</translation>
    </message>
    <message>
        <source>device {0} requested, but only {1} CUDA GPU(s) are visible ({2})</source>
        <translation>请求了设备 {0}，但只能看到 {1} 个 CUDA GPU（{2}）</translation>
    </message>
    <message>
        <source>cannot open the corpus file</source>
        <translation>无法打开语料文件</translation>
    </message>
    <message>
        <source>cannot read the corpus file</source>
        <translation>无法读取语料文件</translation>
    </message>
    <message>
        <source>cannot be read</source>
        <translation>无法读取</translation>
    </message>
    <message>
        <source>is not UTF-8 text: {0} at byte offset {1}; a corpus must be a UTF-8 text file</source>
        <translation>不是 UTF-8 文本：在字节偏移 {1} 处{0}；语料必须是 UTF-8 文本文件</translation>
    </message>
    <message>
        <source>is larger than {0} GiB; a corpus is read whole for its vocabulary, so give a smaller file</source>
        <translation>大于 {0} GiB；为建立词表需要读取整个语料，请换一个更小的文件</translation>
    </message>
    <message>
        <source>holds fewer than two tokens after cleaning (the book&apos;s cleaning keeps the letters a-z only; set data.normalize: unicode for text in other scripts); it cannot train a model</source>
        <translation>清洗后不足两个词元（书中的清洗只保留字母 a-z；其他文字的文本请设置 data.normalize: unicode）；无法训练模型</translation>
    </message>
    <message>
        <source>holds fewer than two tokens; it cannot train a model</source>
        <translation>不足两个词元；无法训练模型</translation>
    </message>
    <message>
        <source>has {0} tokens: too few to hold out {1} (data.heldout) after {2} training tokens</source>
        <translation>只有 {0} 个词元：在 {2} 个训练词元之后不够留出 {1} 个（data.heldout）</translation>
    </message>
    <message>
        <source>{0} tokens cannot fill one batch of {1} x {2} steps; lower data.batch_size or data.num_steps, or raise data.max_tokens</source>
        <translation>{0} 个词元不够填满一个 {1} × {2} 时间步的批量；请减小 data.batch_size 或 data.num_steps，或增大 data.max_tokens</translation>
    </message>
    <message>
        <source>missing (expected SHA-1 {0}); run `traveller-cli fetch-data` to download it, or point --data-dir / TRAVELLER_DATA_DIR at a folder holding {1}</source>
        <translation>文件缺失（应有 SHA-1 {0}）；请运行 `traveller-cli fetch-data` 下载，或让 --data-dir / TRAVELLER_DATA_DIR 指向包含 {1} 的文件夹</translation>
    </message>
    <message>
        <source>SHA-1 is {0}, expected {1} (the file is truncated, corrupt or a different text); run `traveller-cli fetch-data` to download it, or point --data-dir / TRAVELLER_DATA_DIR at a folder holding {2}</source>
        <translation>SHA-1 为 {0}，应为 {1}（文件被截断、损坏或是另一份文本）；请运行 `traveller-cli fetch-data` 下载，或让 --data-dir / TRAVELLER_DATA_DIR 指向包含 {2} 的文件夹</translation>
    </message>
    <message>
        <source>download of {0} failed ({1}); nothing was changed</source>
        <translation>下载 {0} 失败（{1}）；没有改动任何文件</translation>
    </message>
    <message>
        <source>download of {0} has SHA-1 {1}, expected {2}; nothing was changed</source>
        <translation>下载的 {0} 的 SHA-1 为 {1}，应为 {2}；没有改动任何文件</translation>
    </message>
    <message>
        <source>cannot open the translation corpus</source>
        <translation>无法打开翻译语料</translation>
    </message>
    <message>
        <source>holds no &quot;English&lt;TAB&gt;French&quot; lines in its first {0} lines</source>
        <translation>前 {0} 行中没有“英语&lt;TAB&gt;法语”格式的行</translation>
    </message>
    <message>
        <source>expected an integer, got &apos;{0}&apos;</source>
        <translation>应为整数，实际为“{0}”</translation>
    </message>
    <message>
        <source>must be between {0} and {1}, got {2}</source>
        <translation>必须在 {0} 到 {1} 之间，实际为 {2}</translation>
    </message>
    <message>
        <source>expected a number, got &apos;{0}&apos;</source>
        <translation>应为数字，实际为“{0}”</translation>
    </message>
    <message>
        <source>must be at least {0}, got {1}</source>
        <translation>必须至少为 {0}，实际为 {1}</translation>
    </message>
    <message>
        <source>must be greater than {0}, got {1}</source>
        <translation>必须大于 {0}，实际为 {1}</translation>
    </message>
    <message>
        <source>must be at least {0} and at most {1}, got {2}</source>
        <translation>必须至少为 {0} 且至多为 {1}，实际为 {2}</translation>
    </message>
    <message>
        <source>must be greater than {0} and at most {1}, got {2}</source>
        <translation>必须大于 {0} 且至多为 {1}，实际为 {2}</translation>
    </message>
    <message>
        <source>expected true or false, got &apos;{0}&apos;</source>
        <translation>应为 true 或 false，实际为“{0}”</translation>
    </message>
    <message>
        <source>expected one of {0}, got &apos;{1}&apos;</source>
        <translation>应为 {0} 之一，实际为“{1}”</translation>
    </message>
    <message>
        <source>unknown key; known keys: {0}</source>
        <translation>未知的键；已知的键：{0}</translation>
    </message>
    <message>
        <source>unknown key</source>
        <translation>未知的键</translation>
    </message>
    <message>
        <source>unknown key; expected one of {0}</source>
        <translation>未知的键；应为以下之一：{0}</translation>
    </message>
    <message>
        <source>repeat: N runs seeds 0 to N-1; the grid&apos;s train.seed chooses seeds too: give one of them</source>
        <translation>repeat: N 使用种子 0 到 N-1；网格中的 train.seed 也在选择种子：两者只能给一个</translation>
    </message>
    <message>
        <source>cannot change while the run trains; these can: {0}</source>
        <translation>训练过程中不能修改；可以修改的是：{0}</translation>
    </message>
    <message>
        <source>the run is at epoch {0} already: train.epochs {1} would end it in the past</source>
        <translation>这次运行已到第 {0} 个迭代周期：train.epochs 设为 {1} 会让它结束在过去</translation>
    </message>
    <message>
        <source>{0}: {1} → {2} at epoch {3}, batch {4}</source>
        <translation>{0}：从 {1} 改为 {2}，于第 {3} 个迭代周期第 {4} 个批量</translation>
    </message>
    <message>
        <source>expected a list of {epoch: E, batch: B, set: {key: value}}</source>
        <translation>应为 {epoch: E, batch: B, set: {键: 值}} 的列表</translation>
    </message>
    <message>
        <source>expected {epoch: E, batch: B (optional), set: {key: value}}</source>
        <translation>应为 {epoch: E, batch: B（可选）, set: {键: 值}}</translation>
    </message>
    <message>
        <source>epoch {0} is beyond the run&apos;s {1} epochs</source>
        <translation>第 {0} 个迭代周期超出了这次运行的 {1} 个迭代周期</translation>
    </message>
    <message>
        <source>batch {0} is beyond an epoch&apos;s {1} batches (0 is the first)</source>
        <translation>第 {0} 个批量超出了一个迭代周期的 {1} 个批量（从 0 开始计数）</translation>
    </message>
    <message>
        <source>run {0} has no weights of its last epoch to continue from</source>
        <translation>运行 {0} 没有最后一个迭代周期的权重，无法继续训练</translation>
    </message>
    <message>
        <source>run {0} has not ended; resume it instead (continue trains a finished or stopped run further)</source>
        <translation>运行 {0} 还没有结束，请改用恢复（继续训练用于已完成或已停止的运行）</translation>
    </message>
    <message>
        <source>keys must be plain names</source>
        <translation>键必须是普通名称</translation>
    </message>
    <message>
        <source>duplicate key: it is already set above in the same mapping</source>
        <translation>重复的键：同一映射中上面已经设置过它</translation>
    </message>
    <message>
        <source>expected a mapping of {0}</source>
        <translation>应为包含 {0} 的映射</translation>
    </message>
    <message>
        <source>expected a single value of type {0}</source>
        <translation>应为 {0} 类型的单个值</translation>
    </message>
    <message>
        <source>must not be empty</source>
        <translation>不能为空</translation>
    </message>
    <message>
        <source>malformed YAML: {0}</source>
        <translation>YAML 格式错误：{0}</translation>
    </message>
    <message>
        <source>cannot open experiment file</source>
        <translation>无法打开实验文件</translation>
    </message>
    <message>
        <source>cannot open sweep file</source>
        <translation>无法打开扫描文件</translation>
    </message>
    <message>
        <source>expected a single value</source>
        <translation>应为单个值</translation>
    </message>
    <message>
        <source>--set expects KEY=VALUE, got &apos;{0}&apos;</source>
        <translation>--set 需要 KEY=VALUE 形式，实际为“{0}”</translation>
    </message>
    <message>
        <source>unknown cell &apos;{0}&apos; (known: {1})</source>
        <translation>未知的单元“{0}”（已知：{1}）</translation>
    </message>
    <message>
        <source>no such file</source>
        <translation>文件不存在</translation>
    </message>
    <message>
        <source>is {0}, not a regular file; give a file</source>
        <translation>是{0}，不是普通文件；请给出一个文件</translation>
    </message>
    <message>
        <source>is a symbolic link; only plain files inside the folder are read</source>
        <translation>是符号链接；只读取文件夹内的普通文件</translation>
    </message>
    <message>
        <source>is larger than the limit of {0}</source>
        <translation>超过了 {0} 的上限</translation>
    </message>
    <message>
        <source>a folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>a FIFO (named pipe)</source>
        <translation>FIFO（命名管道）</translation>
    </message>
    <message>
        <source>a socket</source>
        <translation>套接字</translation>
    </message>
    <message>
        <source>a device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>something other than a file</source>
        <translation>不是文件的东西</translation>
    </message>
    <message>
        <source>cannot be read: {0}</source>
        <translation>无法读取：{0}</translation>
    </message>
    <message>
        <source>the run library is read-only here (this user cannot write its folder or file, or it is on a read-only file system); it can be listed and exported, not changed. Nothing was changed</source>
        <translation>运行记录库在这里是只读的（当前用户无法写入它的文件夹或文件，或它位于只读文件系统上）；可以列出和导出，不能修改。没有做任何改动</translation>
    </message>
    <message>
        <source>{0} is longer than the limit of {1}</source>
        <translation>{0} 超过了 {1} 的长度上限</translation>
    </message>
    <message>
        <source>no such experiment file or preset (try `traveller-cli presets`)</source>
        <translation>没有这个实验文件或预设（试试 `traveller-cli presets`）</translation>
    </message>
    <message>
        <source>no such translation file or preset (try `traveller-cli presets`)</source>
        <translation>没有这个翻译文件或预设（试试 `traveller-cli presets`）</translation>
    </message>
    <message>
        <source>no such sweep file or preset (try `traveller-cli presets`)</source>
        <translation>没有这个扫描文件或预设（试试 `traveller-cli presets`）</translation>
    </message>
    <message>
        <source>a NUL byte: this is a binary file, not text</source>
        <translation>发现 NUL 字节：这是二进制文件，不是文本</translation>
    </message>
    <message>
        <source>byte 0x{0} cannot start a UTF-8 character</source>
        <translation>字节 0x{0} 不能作为 UTF-8 字符的开头</translation>
    </message>
    <message>
        <source>a UTF-8 character cut short (byte 0x{0} at offset {1})</source>
        <translation>有一个 UTF-8 字符被截断（偏移 {1} 处的字节 0x{0}）</translation>
    </message>
    <message>
        <source>an invalid UTF-8 sequence</source>
        <translation>有一个无效的 UTF-8 序列</translation>
    </message>
    <message>
        <source>a UTF-8 character cut short by the end of the file</source>
        <translation>有一个 UTF-8 字符被文件末尾截断</translation>
    </message>
    <message>
        <source>the sweep has {0} runs; at most {1} are allowed: shorten the grid&apos;s lists or split the sweep</source>
        <translation>该扫描有 {0} 个运行；最多允许 {1} 个：请缩短网格中的列表，或拆分扫描</translation>
    </message>
    <message>
        <source>the sweep has more than 10^19 runs; at most {0} are allowed: shorten the grid&apos;s lists or split the sweep</source>
        <translation>该扫描有超过 10^19 个运行；最多允许 {0} 个：请缩短网格中的列表，或拆分扫描</translation>
    </message>
    <message>
        <source>run {0} is a translation run; train it again from the Translate tab or `traveller-cli translate`</source>
        <translation>运行 {0} 是翻译运行；请在“翻译”选项卡或用 `traveller-cli translate` 重新训练它</translation>
    </message>
    <message>
        <source>run {0} is training in another window or process</source>
        <translation>运行 {0} 正在另一个窗口或进程中训练</translation>
    </message>
    <message>
        <source>run {0} is finished; only interrupted, stopped, queued or failed runs resume (re-run it to train it again)</source>
        <translation>运行 {0} 已完成；只有已中断、已停止、排队中或失败的运行可以继续（要再训练一次，请重新运行它）</translation>
    </message>
    <message>
        <source>run {0} diverged; resumed from the same weights at the same learning rate it diverges again (re-run it with other settings)</source>
        <translation>运行 {0} 已发散；从相同的权重、以相同的学习率继续，它会再次发散（请换一组设置重新运行）</translation>
    </message>
    <message>
        <source>run {0} cannot be resumed</source>
        <translation>运行 {0} 无法继续</translation>
    </message>
    <message>
        <source>run {0} is training in another window or process; stop it first</source>
        <translation>运行 {0} 正在另一个窗口或进程中训练；请先停止它</translation>
    </message>
    <message>
        <source>run {0} is a translation run; translate with it in the Translate tab</source>
        <translation>运行 {0} 是翻译运行；请在“翻译”选项卡中用它翻译</translation>
    </message>
    <message>
        <source>unknown filter key &apos;{0}&apos;; the keys are {1}</source>
        <translation>未知的筛选键“{0}”；可用的键为 {1}</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; needs a value after it, e.g. lr&lt;1 or tag:lab</source>
        <translation>“{0}”后面需要一个值，例如 lr&lt;1 或 tag:lab</translation>
    </message>
    <message>
        <source>cannot create the run library folder &apos;{0}&apos;: {1}</source>
        <translation>无法创建运行记录库文件夹“{0}”：{1}</translation>
    </message>
    <message>
        <source>cannot open the run library &apos;{0}&apos;: {1}</source>
        <translation>无法打开运行记录库“{0}”：{1}</translation>
    </message>
    <message>
        <source>cannot open the run library &apos;{0}&apos; for reading: {1}</source>
        <translation>无法以只读方式打开运行记录库“{0}”：{1}</translation>
    </message>
    <message>
        <source>cannot create the run library &apos;{0}&apos;: {1}</source>
        <translation>无法创建运行记录库“{0}”：{1}</translation>
    </message>
    <message>
        <source>run {0} cannot be claimed for training: {1}</source>
        <translation>无法占用运行 {0} 进行训练：{1}</translation>
    </message>
    <message>
        <source>run {0} is already training (another window or process owns it)</source>
        <translation>运行 {0} 已在训练中（由另一个窗口或进程占用）</translation>
    </message>
    <message>
        <source>run {0} is training; it is not replaced by its import</source>
        <translation>运行 {0} 正在训练；不会被它的导入替换</translation>
    </message>
    <message>
        <source>cannot stage a checkpoint in &apos;{0}&apos;: {1}</source>
        <translation>无法在“{0}”中暂存检查点：{1}</translation>
    </message>
    <message>
        <source>cannot copy a checkpoint into the run library &apos;{0}&apos;: {1}</source>
        <translation>无法把检查点复制到运行记录库“{0}”：{1}</translation>
    </message>
    <message>
        <source>run {0} cannot be deleted: {1}</source>
        <translation>无法删除运行 {0}：{1}</translation>
    </message>
    <message>
        <source>no run {0} in the run library &apos;{1}&apos;</source>
        <translation>运行记录库“{1}”中没有运行 {0}</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; is not a PyTorch archive (the zip file torch.save writes): {1}</source>
        <translation>“{0}”不是 PyTorch 存档（torch.save 写出的 zip 文件）：{1}</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; does not hold a state_dict (names to tensors, as torch.save(net.state_dict(), F) writes): it holds {1}</source>
        <translation>“{0}”里不是 state_dict（名称到张量，如 torch.save(net.state_dict(), F) 所写）：它是{1}</translation>
    </message>
    <message>
        <source>the book&apos;s code has no layer for the cell &apos;{0}&apos;; the book&apos;s RNNModel takes {1}</source>
        <translation>书中的代码没有单元“{0}”的层；书中的 RNNModel 可用 {1}</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; is not the book&apos;s {1}: {2}</source>
        <translation>“{0}”不是书中的 {1}：{2}</translation>
    </message>
    <message>
        <source>&apos;{0}&apos;: {1} is {2}, but the book&apos;s {3} with {4} hidden units has {5} (another cell or size?)</source>
        <translation>“{0}”：{1} 是 {2}，而书中有 {4} 个隐藏单元的 {3} 应为 {5}（另一种单元或大小？）</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; has a vocabulary of {1} tokens, but the book&apos;s vocabulary of the corpus &apos;{2}&apos; has {3}; give the model&apos;s vocabulary with --vocab</source>
        <translation>“{0}”的词表有 {1} 个词元，而书中语料“{2}”的词表有 {3} 个；请用 --vocab 给出模型的词表</translation>
    </message>
    <message>
        <source>the vocabulary &apos;{0}&apos; cannot be read: {1}</source>
        <translation>无法读取词表“{0}”：{1}</translation>
    </message>
    <message>
        <source>the vocabulary &apos;{0}&apos; does not match the corpus &apos;{1}&apos;: {2}</source>
        <translation>词表“{0}”与语料“{1}”不符：{2}</translation>
    </message>
    <message>
        <source>&apos;{0}&apos;: its {2} vocabulary has {1} tokens, the book&apos;s of &apos;{3}&apos; has {4} (another corpus or data.examples?)</source>
        <translation>“{0}”：其 {2} 词表有 {1} 个词元，书中“{3}”的有 {4} 个（另一个语料或 data.examples？）</translation>
    </message>
    <message>
        <source>cannot write &apos;{0}&apos;: {1}</source>
        <translation>无法写入“{0}”：{1}</translation>
    </message>
    <message>
        <source>run {0} cannot be the book&apos;s RNNModel ({1}): the book has no such model</source>
        <translation>运行 {0} 无法成为书中的 RNNModel（{1}）：书中没有这样的模型</translation>
    </message>
    <message>
        <source>run {0} has already trained; resume it instead</source>
        <translation>运行 {0} 已经训练过；请改为继续训练它</translation>
    </message>
    <message>
        <source>run {0} trained on &apos;{1}&apos; with SHA-1 {2}; the file now has SHA-1 {3}: a replay would not train the same run (rerun trains its settings on the text as it is now)</source>
        <translation>运行 {0} 训练时使用的“{1}”的 SHA-1 为 {2}；该文件现在的 SHA-1 为 {3}：重放不会训练出同一个运行（用“重新运行”可在现在的文本上训练它的设置）</translation>
    </message>
    <message>
        <source>run {0} has no weights yet</source>
        <translation>运行 {0} 还没有权重</translation>
    </message>
    <message>
        <source>run {0} is a translation run; forks are made of language-model runs</source>
        <translation>运行 {0} 是翻译运行；只有语言模型运行可以分叉</translation>
    </message>
    <message>
        <source>run {0} kept no weights of epoch {1} to fork from; the epochs it can fork at: {2}</source>
        <translation>运行 {0} 没有保留第 {1} 个迭代周期的权重，无法从那里分叉；可以分叉的迭代周期：{2}</translation>
    </message>
    <message>
        <source>run {0} diverged at epoch {1}; fork it from weights kept before that (epochs {2}) with another learning rate</source>
        <translation>运行 {0} 在第 {1} 个迭代周期发散；请从此前保留的权重（迭代周期 {2}）以另一个学习率分叉</translation>
    </message>
    <message>
        <source>a fork at epoch {0} has nothing to train: its run ends at epoch {1}; set train.epochs beyond {0}</source>
        <translation>在第 {0} 个迭代周期分叉没有可训练的内容：该运行在第 {1} 个迭代周期结束；请把 train.epochs 设为大于 {0}</translation>
    </message>
    <message>
        <source>the weights run {0} kept at epoch {1} cannot be read ({2}); nothing was forked</source>
        <translation>无法读取运行 {0} 在第 {1} 个迭代周期保留的权重（{2}）；未创建分叉</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; should be the run library&apos;s folder of kept weights, and it is not (a link or a file); move it away</source>
        <translation>“{0}”应是运行库保存权重的文件夹，但它不是（是链接或文件）；请把它移走</translation>
    </message>
    <message>
        <source>no lab step &apos;{0}&apos;; the steps are {1}</source>
        <translation>没有实验步骤“{0}”；已有的步骤是 {1}</translation>
    </message>
    <message>
        <source>cannot read &apos;{0}&apos;</source>
        <translation>无法读取“{0}”</translation>
    </message>
    <message>
        <source>expected a mapping of source, checks and quick</source>
        <translation>应为包含 source、checks 和 quick 的映射</translation>
    </message>
    <message>
        <source>expected a list of {metric: ..., value: ..., tolerance: ...}</source>
        <translation>应为 {metric: ..., value: ..., tolerance: ...} 的列表</translation>
    </message>
    <message>
        <source>expected {metric: ..., value: ..., tolerance: ...}</source>
        <translation>应为 {metric: ..., value: ..., tolerance: ...}</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>缺失</translation>
    </message>
    <message>
        <source>unknown metric &apos;{0}&apos;; expected perplexity, heldout_perplexity, loss, bleu or heldout_bleu</source>
        <translation>未知的指标“{0}”；应为 perplexity、heldout_perplexity、loss、bleu 或 heldout_bleu</translation>
    </message>
    <message>
        <source>expected a number</source>
        <translation>应为数字</translation>
    </message>
    <message>
        <source>must not be negative</source>
        <translation>不能为负数</translation>
    </message>
    <message>
        <source>a sentence belongs to a bleu check (one eval pair&apos;s source)</source>
        <translation>sentence 只属于 bleu 检查（它是一个评估句对的源句）</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; is not a Slurm time limit (minutes, HH:MM:SS or D-HH:MM)</source>
        <translation>“{0}”不是 Slurm 的时间限制（分钟数、HH:MM:SS 或 D-HH:MM）</translation>
    </message>
    <message>
        <source>needs at least 1</source>
        <translation>至少为 1</translation>
    </message>
    <message>
        <source>cannot be negative</source>
        <translation>不能为负数</translation>
    </message>
    <message>
        <source>the sweep &apos;{0}&apos; has no runs</source>
        <translation>扫描“{0}”没有运行</translation>
    </message>
    <message>
        <source>run &apos;{0}&apos; asks for {1}: give --gpus-per-task 1 so that each array task is allocated a GPU</source>
        <translation>运行“{0}”要求使用 {1}：请给出 --gpus-per-task 1，让每个数组任务都分到一块 GPU</translation>
    </message>
    <message>
        <source>sbatch refused level {0} of the sweep: {1}; nothing was submitted</source>
        <translation>sbatch 拒绝了扫描的第 {0} 层：{1}；没有提交任何作业</translation>
    </message>
    <message>
        <source>sbatch refused level {0} of the sweep: {1}; the arrays already submitted were cancelled</source>
        <translation>sbatch 拒绝了扫描的第 {0} 层：{1}；已提交的数组作业均已取消</translation>
    </message>
    <message>
        <source>its array task never ran (cancelled); train it with `traveller-cli runs resume`</source>
        <translation>它的数组任务从未运行（已取消）；请用 `traveller-cli runs resume` 训练它</translation>
    </message>
    <message>
        <source>its array task ended without recording why (killed, or its node was lost); resume it with `traveller-cli runs resume`</source>
        <translation>它的数组任务结束时没有记录原因（被终止，或所在节点丢失）；请用 `traveller-cli runs resume` 继续它</translation>
    </message>
    <message>
        <source>{0}: &apos;{1}&apos; is missing or empty</source>
        <translation>{0}：“{1}”不存在或为空</translation>
    </message>
    <message>
        <source>{0}: &apos;{1}&apos; is not JSON ({2})</source>
        <translation>{0}：“{1}”不是 JSON（{2}）</translation>
    </message>
    <message>
        <source>{0}: &apos;{1}&apos; is not a JSON object</source>
        <translation>{0}：“{1}”不是 JSON 对象</translation>
    </message>
    <message>
        <source>{0}: &apos;{1}&apos; records epoch {2} of a run planned for {3}</source>
        <translation>{0}：“{1}”记录了第 {2} 个迭代周期，而这次运行计划只有 {3} 个迭代周期</translation>
    </message>
    <message>
        <source>{0}: &apos;{1}&apos;: field &apos;{2}&apos; {3}</source>
        <translation>{0}：“{1}”：字段“{2}”{3}</translation>
    </message>
    <message>
        <source>is not a whole number</source>
        <translation>不是整数</translation>
    </message>
    <message>
        <source>is out of range ({0} to {1})</source>
        <translation>超出范围（{0} 到 {1}）</translation>
    </message>
    <message>
        <source>is not a number</source>
        <translation>不是数字</translation>
    </message>
    <message>
        <source>is negative</source>
        <translation>是负数</translation>
    </message>
    <message>
        <source>is not a text</source>
        <translation>不是文本</translation>
    </message>
    <message>
        <source>is longer than {0}</source>
        <translation>超过了 {0}</translation>
    </message>
    <message>
        <source>is &apos;{0}&apos;, not a state a run can be in</source>
        <translation>是“{0}”，不是运行可能处于的状态</translation>
    </message>
    <message>
        <source>is not an object of at most {0} texts</source>
        <translation>不是至多含 {0} 个文本的对象</translation>
    </message>
    <message>
        <source>holds a sample that is not a text or is too long</source>
        <translation>含有一个不是文本或过长的样本</translation>
    </message>
    <message>
        <source>is past the run&apos;s {0} epochs</source>
        <translation>超出了这次运行的 {0} 个迭代周期</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; already holds a submitted sweep; choose another --run-folder</source>
        <translation>“{0}”中已有一个提交过的扫描；请换一个 --run-folder</translation>
    </message>
    <message>
        <source>cannot create the run folder &apos;{0}&apos;: {1}</source>
        <translation>无法创建运行文件夹“{0}”：{1}</translation>
    </message>
    <message>
        <source>sbatch is not on the PATH: this machine is not a Slurm submit host</source>
        <translation>PATH 中没有 sbatch：这台机器不是 Slurm 提交节点</translation>
    </message>
    <message>
        <source>sbatch refused the import job: {0}; the arrays were cancelled</source>
        <translation>sbatch 拒绝了导入作业：{0}；已取消提交的作业数组</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; is not a Traveller Slurm run folder (no plan.json)</source>
        <translation>“{0}”不是 Traveller 的 Slurm 运行文件夹（没有 plan.json）</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; was written by another Traveller (format {1})</source>
        <translation>“{0}”由另一版本的 Traveller 写入（格式 {1}）</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; lists its runs out of order</source>
        <translation>“{0}”中运行的顺序不对</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; names run {1} in a level but has only {2}</source>
        <translation>“{0}”的某一层引用了运行 {1}，但它只有 {2} 个运行</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; is damaged: {1}</source>
        <translation>“{0}”已损坏：{1}</translation>
    </message>
    <message>
        <source>the plan in &apos;{0}&apos; has no task {1} at level {2}</source>
        <translation>“{0}”中的计划在第 {2} 层没有任务 {1}</translation>
    </message>
    <message>
        <source>the run library &apos;{0}&apos; is damaged ({1}); Traveller will not replace it. Move it away to start a new library, or restore it from a copy</source>
        <translation>运行记录库“{0}”已损坏（{1}）；Traveller 不会替换它。请把它移走以新建一个运行记录库，或从副本恢复它</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; is not a Traveller run library ({1}); Traveller leaves it untouched. Choose another folder with --library</source>
        <translation>“{0}”不是 Traveller 的运行记录库（{1}）；Traveller 不会改动它。请用 --library 选择另一个文件夹</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; is not a regular file, so it is not a run library; Traveller leaves it untouched. Choose another folder with --library</source>
        <translation>“{0}”不是普通文件，所以不是运行记录库；Traveller 不会改动它。请用 --library 选择另一个文件夹</translation>
    </message>
    <message>
        <source>the run library &apos;{0}&apos; is read-only here and was written by another Traveller (schema {1}); open it once where it can be written</source>
        <translation>运行记录库“{0}”在这里是只读的，且由另一版本的 Traveller 写入（模式版本 {1}）；请在可写的地方打开它一次</translation>
    </message>
    <message>
        <source>the run library &apos;{0}&apos; was written by a newer Traveller (schema {1})</source>
        <translation>运行记录库“{0}”由更新版本的 Traveller 写入（模式版本 {1}）</translation>
    </message>
    <message>
        <source>the file is empty</source>
        <translation>文件是空的</translation>
    </message>
    <message>
        <source>its schema version is &apos;{0}&apos;</source>
        <translation>它的模式版本是“{0}”</translation>
    </message>
    <message>
        <source>its SQLite application id is {0}</source>
        <translation>它的 SQLite 应用程序 ID 是 {0}</translation>
    </message>
    <message>
        <source>it holds another program&apos;s tables</source>
        <translation>它含有其他程序的表</translation>
    </message>
    <message>
        <source>it has no Traveller schema version</source>
        <translation>它没有 Traveller 的模式版本</translation>
    </message>
    <message>
        <source>checkpoint &apos;{0}&apos;: its epoch is damaged</source>
        <translation>检查点“{0}”：其中记录的迭代周期已损坏</translation>
    </message>
    <message>
        <source>cannot load checkpoint &apos;{0}&apos;: its data-order generator state is damaged</source>
        <translation>无法加载检查点“{0}”：其中数据顺序的随机数生成器状态已损坏</translation>
    </message>
    <message>
        <source>cannot open lesson file</source>
        <translation>无法打开课程文件</translation>
    </message>
    <message>
        <source>expected a text, or {en: ..., zh_CN: ...}</source>
        <translation>应为一段文本，或 {en: ..., zh_CN: ...}</translation>
    </message>
    <message>
        <source>expected a list of {0}</source>
        <translation>应为 {0} 的列表</translation>
    </message>
    <message>
        <source>a lesson needs a list of steps, at least one</source>
        <translation>课程需要一个步骤列表，至少一步</translation>
    </message>
    <message>
        <source>missing {0}</source>
        <translation>缺少 {0}</translation>
    </message>
    <message>
        <source>not a setting of the Language model or the Translate tab (see traveller-cli schema)</source>
        <translation>不是“语言模型”或“翻译”标签页的设置（见 traveller-cli schema）</translation>
    </message>
    <message>
        <source>no preset &apos;{0}&apos;; the presets are {1}</source>
        <translation>没有预设“{0}”；现有预设：{1}</translation>
    </message>
    <message>
        <source>expected {preset: NAME} or {open: NAME}, with label and set if you like</source>
        <translation>应为 {preset: 名称} 或 {open: 名称}，可另加 label 和 set</translation>
    </message>
    <message>
        <source>opening a run needs the lesson&apos;s library (library: FOLDER at the top)</source>
        <translation>打开运行需要课程自带的运行记录库（在文件顶层写 library: 文件夹）</translation>
    </message>
    <message>
        <source>no run library in &apos;{0}&apos; (a folder with runs.sqlite, beside the lesson)</source>
        <translation>“{0}”中没有运行记录库（应是课程旁边一个含 runs.sqlite 的文件夹）</translation>
    </message>
    <message>
        <source>no run named &apos;{0}&apos; in the lesson&apos;s library; it has {1}</source>
        <translation>课程的运行记录库中没有名为“{0}”的运行；库中有：{1}</translation>
    </message>
    <message>
        <source>a run opened from the library keeps its settings; set belongs to a preset&apos;s run</source>
        <translation>从运行记录库打开的运行保留自己的设置；set 只用于由预设训练的运行</translation>
    </message>
    <message>
        <source>expected {run: LABEL, metric: ..., value: ..., tolerance: ...}</source>
        <translation>应为 {run: 标签, metric: ..., value: ..., tolerance: ...}</translation>
    </message>
    <message>
        <source>unknown tab &apos;{0}&apos;; the tabs are {1}</source>
        <translation>未知的标签页“{0}”；现有标签页：{1}</translation>
    </message>
    <message>
        <source>the step opens the tab &apos;{0}&apos;, which it does not show</source>
        <translation>该步骤打开标签页“{0}”，但并未显示它</translation>
    </message>
    <message>
        <source>two runs are labelled &apos;{0}&apos;; give each its own label</source>
        <translation>有两个运行的标签都是“{0}”；请给每个运行不同的标签</translation>
    </message>
    <message>
        <source>the step needs the tab &apos;{0}&apos; (for {1}) but does not show it</source>
        <translation>该步骤需要标签页“{0}”（用于 {1}），但没有显示它</translation>
    </message>
    <message>
        <source>the step hides &apos;{0}&apos;, which it needs</source>
        <translation>该步骤隐藏了它需要的“{0}”</translation>
    </message>
    <message>
        <source>the step locks &apos;{0}&apos;, which it needs</source>
        <translation>该步骤锁定了它需要的“{0}”</translation>
    </message>
    <message>
        <source>no run labelled &apos;{0}&apos; in this lesson</source>
        <translation>本课程中没有标签为“{0}”的运行</translation>
    </message>
    <message>
        <source>{1} has no value &apos;{0}&apos; for the Lens; it has {2}</source>
        <translation>{1} 没有可供透镜查看的值“{0}”；它有：{2}</translation>
    </message>
    <message>
        <source>the lesson&apos;s run &apos;{0}&apos; cannot be opened: &apos;{1}&apos; is not a checkpoint of its settings</source>
        <translation>无法打开课程的运行“{0}”：“{1}”不是按它的设置保存的检查点</translation>
    </message>
    <message>
        <source>the lesson&apos;s run &apos;{0}&apos; is a translation run; a lesson opens language-model runs from its library</source>
        <translation>课程的运行“{0}”是翻译运行；课程只能从它的运行记录库中打开语言模型运行</translation>
    </message>
    <message>
        <source>&apos;{0}&apos;: {1} holds NaN or infinite values; a trained model has none</source>
        <translation>“{0}”：{1} 含有 NaN 或无穷大的值；训练好的模型不会有这样的值</translation>
    </message>
</context>
<context>
    <name>traveller::ui::AttentionHeatmap</name>
    <message>
        <source>Attention weights appear here for a translation by the attention decoder.</source>
        <translation>注意力解码器翻译时，注意力权重显示在这里。</translation>
    </message>
</context>
<context>
    <name>traveller::ui::ChangeMarkers</name>
    <message>
        <source>%1: %2 → %3 (epoch %4, batch %5)</source>
        <translation>%1：%2 → %3（第 %4 个迭代周期，第 %5 个批量）</translation>
    </message>
</context>
<context>
    <name>traveller::ui::ChartDisplayBar</name>
    <message>
        <source>No smoothing</source>
        <translation>不平滑</translation>
    </message>
    <message>
        <source>EMA</source>
        <translation>指数移动平均</translation>
    </message>
    <message>
        <source>Centred mean</source>
        <translation>居中滑动平均</translation>
    </message>
    <message>
        <source>Smooth the curves for display only (the stored values never change; the values as given stay faint underneath). EMA: exponential moving average, debiased as TensorBoard&apos;s. Centred mean: the mean of a window of epochs around each.</source>
        <translation>仅为显示而平滑曲线（存储的值不会改变；原始值以浅色留在下方）。指数移动平均：按 TensorBoard 的做法做偏差修正。居中滑动平均：以每个点为中心、取一个窗口内迭代周期的均值。</translation>
    </message>
    <message>
        <source>The weight of the past: 0 draws the values as given, 0.99 smooths the most</source>
        <translation>历史值的权重：0 按原始值绘制，0.99 平滑程度最大</translation>
    </message>
    <message>
        <source>How many epochs each point averages, centred on it (odd)</source>
        <translation>每个点以自身为中心平均的迭代周期数（奇数）</translation>
    </message>
    <message>
        <source>Band:</source>
        <translation>区间带：</translation>
    </message>
    <message>
        <source>min–max</source>
        <translation>最小值–最大值</translation>
    </message>
    <message>
        <source>±1 sd</source>
        <translation>±1 个标准差</translation>
    </message>
    <message>
        <source>Around a group&apos;s mean curve: the range of its runs, or one standard deviation each side</source>
        <translation>围绕一组的均值曲线：组内各运行的取值范围，或两侧各一个标准差</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <source>Save the chart as PNG or SVG, or its values as CSV; a smoothed chart says so in each</source>
        <translation>将图表保存为 PNG 或 SVG，或将其数值保存为 CSV；平滑后的图表会在每种文件中注明</translation>
    </message>
    <message>
        <source>PNG…</source>
        <translation>PNG…</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>SVG…</source>
        <translation>SVG…</translation>
    </message>
    <message>
        <source>SVG image (*.svg)</source>
        <translation>SVG 图像 (*.svg)</translation>
    </message>
    <message>
        <source>CSV…</source>
        <translation>CSV…</translation>
    </message>
    <message>
        <source>CSV table (*.csv)</source>
        <translation>CSV 表格 (*.csv)</translation>
    </message>
    <message>
        <source>Save the chart</source>
        <translation>保存图表</translation>
    </message>
</context>
<context>
    <name>traveller::ui::ChartLegend</name>
    <message>
        <source>Click a name to show or hide its curve</source>
        <translation>点击名称可显示或隐藏其曲线</translation>
    </message>
</context>
<context>
    <name>traveller::ui::CompareDialog</name>
    <message>
        <source>Compare runs %1</source>
        <translation>比较运行 %1</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>迭代周期</translation>
    </message>
    <message>
        <source>perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <source>Perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <source>%1
epoch %2: perplexity %3</source>
        <translation>%1
第 %2 个迭代周期：困惑度 %3</translation>
    </message>
    <message>
        <source>%1 — %2, ppl %3</source>
        <translation>%1 — %2，困惑度 %3</translation>
    </message>
    <message>
        <source>final: &quot;%1&quot;</source>
        <translation>最终：“%1”</translation>
    </message>
    <message>
        <source>epoch %1</source>
        <translation>第 %1 个迭代周期</translation>
    </message>
    <message>
        <source>(unreadable)</source>
        <translation>（无法读取）</translation>
    </message>
    <message>
        <source>The runs have the same settings: any difference comes from the machine or the library version.</source>
        <translation>这些运行的设置相同：任何差异都来自机器或库的版本。</translation>
    </message>
    <message>
        <source>Settings that differ (%1 of %2 keys; the rest are the same):</source>
        <translation>不同的设置（%2 个键中的 %1 个，其余相同）：</translation>
    </message>
    <message>
        <source> Not in the library: %1.</source>
        <translation> 不在运行记录库中：%1。</translation>
    </message>
    <message>
        <source>Samples, one column per run:</source>
        <translation>生成文本，每个运行一列：</translation>
    </message>
</context>
<context>
    <name>traveller::ui::CorpusBanner</name>
    <message>
        <source>Download (SHA-1 checked)</source>
        <translation>下载（校验 SHA-1）</translation>
    </message>
    <message>
        <source>Use a local file…</source>
        <translation>使用本地文件…</translation>
    </message>
    <message>
        <source>Corpus (UTF-8 text)</source>
        <translation>语料（UTF-8 文本）</translation>
    </message>
    <message>
        <source>Text files (*.txt);;All files (*)</source>
        <translation>文本文件 (*.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>The Lab checks its runs against the book, so it needs the book&apos;s own %1; %2 is another text.</source>
        <translation>实验要把运行结果与书中结果核对，因此需要书中原版的%1；%2 是另一份文本。</translation>
    </message>
    <message>
        <source>Download the book&apos;s copy (its SHA-1 is checked) or use a local file.</source>
        <translation>请下载书中的副本（会校验 SHA-1），或使用本地文件。</translation>
    </message>
    <message>
        <source>Corpus downloaded and verified</source>
        <translation>语料已下载并校验</translation>
    </message>
</context>
<context>
    <name>traveller::ui::CorpusLocations</name>
    <message>
        <source>The Time Machine</source>
        <translation>《时光机器》</translation>
    </message>
    <message>
        <source>the English-French pairs (fra-eng)</source>
        <translation>英法句对（fra-eng）</translation>
    </message>
    <message>
        <source>The data folder has no copy of %1 yet:
%2</source>
        <translation>数据文件夹中还没有%1：
%2</translation>
    </message>
    <message>
        <source>The file in the data folder is not the book&apos;s %1 (its SHA-1 differs):
%2</source>
        <translation>数据文件夹中的文件不是书中的%1（SHA-1 不符）：
%2</translation>
    </message>
    <message>
        <source>The copy of %1 in the data folder cannot be used:
%2</source>
        <translation>数据文件夹中的%1无法使用：
%2</translation>
    </message>
    <message>
        <source>%1 is the book&apos;s copy of %2: it is now in the data folder, for every tab</source>
        <translation>%1 是书中的%2：已复制到数据文件夹，所有选项卡都可使用</translation>
    </message>
    <message>
        <source>%1 is not the book&apos;s copy of %2: the tabs that train on it use it where it is; the Lab needs the book&apos;s</source>
        <translation>%1 不是书中的%2：用它训练的选项卡直接从原位置读取；实验需要书中的原版</translation>
    </message>
    <message>
        <source>Cannot use %1: %2</source>
        <translation>无法使用 %1：%2</translation>
    </message>
    <message>
        <source>%1 could not be copied into the data folder (%2): the tabs that train on it use it where it is; the Lab needs it in the data folder</source>
        <translation>无法将 %1 复制到数据文件夹（%2）：用它训练的选项卡直接从原位置读取；实验需要它位于数据文件夹中</translation>
    </message>
    <message>
        <source>Downloading %1 into %2…</source>
        <translation>正在将%1下载到 %2…</translation>
    </message>
    <message>
        <source>Downloading %1: %2 of %3 kB</source>
        <translation>正在下载%1：%2 / %3 kB</translation>
    </message>
    <message>
        <source>Downloading %1: %2 kB</source>
        <translation>正在下载%1：%2 kB</translation>
    </message>
    <message>
        <source>Download failed: %1</source>
        <translation>下载失败：%1</translation>
    </message>
</context>
<context>
    <name>traveller::ui::DecoderTree</name>
    <message>
        <source>Word</source>
        <translation>词</translation>
    </message>
    <message>
        <source>log P so far</source>
        <translation>累计 log P</translation>
    </message>
    <message>
        <source>The decoder&apos;s likeliest words here</source>
        <translation>解码器在此处最可能的词</translation>
    </message>
    <message>
        <source>Every hypothesis the beam search kept (width 1: the greedy path); the output&apos;s path in bold</source>
        <translation>束搜索保留的所有假设（宽度为 1 时即贪心路径）；输出的路径以粗体显示</translation>
    </message>
</context>
<context>
    <name>traveller::ui::DiffDialog</name>
    <message>
        <source>Final perplexity</source>
        <translation>最终困惑度</translation>
    </message>
    <message>
        <source>Best perplexity</source>
        <translation>最佳困惑度</translation>
    </message>
    <message>
        <source>Held-out perplexity</source>
        <translation>留出集上的困惑度</translation>
    </message>
    <message>
        <source>Tokens per second</source>
        <translation>每秒词元数</translation>
    </message>
    <message>
        <source>Epochs trained</source>
        <translation>已训练的迭代周期数</translation>
    </message>
    <message>
        <source>Training time</source>
        <translation>训练用时</translation>
    </message>
    <message numerus="yes">
        <source>Diff of %n run(s)</source>
        <translation>
            <numerusform>%n 个运行的差异</numerusform>
        </translation>
    </message>
    <message>
        <source>These runs have the same settings: only their results can differ.</source>
        <translation>这些运行的设置相同：只有结果可能不同。</translation>
    </message>
    <message numerus="yes">
        <source>%n setting(s) differ between these runs; the others are the same.</source>
        <translation>
            <numerusform>这些运行之间有 %n 项设置不同；其余设置相同。</numerusform>
        </translation>
    </message>
    <message>
        <source>Not in the library: %1.</source>
        <translation>运行记录库中没有这些运行：%1。</translation>
    </message>
    <message>
        <source>Settings and results</source>
        <translation>设置与结果</translation>
    </message>
    <message>
        <source>Text written now</source>
        <translation>当场生成的文本</translation>
    </message>
    <message>
        <source>Lens diff</source>
        <translation>透镜对比</translation>
    </message>
    <message>
        <source>%1 (Δ %2)</source>
        <translation>%1（Δ %2）</translation>
    </message>
    <message>
        <source>greedy</source>
        <translation>贪心</translation>
    </message>
    <message>
        <source>0 writes the most likely character each step (the book); above 0 samples</source>
        <translation>0：每步写出最可能的字符（同书中）；大于 0：按概率采样</translation>
    </message>
    <message>
        <source>Every run samples with this seed, so that only their weights differ</source>
        <translation>每个运行都用这个随机种子采样，使得只有它们的权重不同</translation>
    </message>
    <message>
        <source>Write</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Load each run&apos;s stored weights and continue the prefix</source>
        <translation>加载每个运行存储的权重并续写前缀</translation>
    </message>
    <message>
        <source>Prefix:</source>
        <translation>前缀：</translation>
    </message>
    <message>
        <source>T:</source>
        <translation>T：</translation>
    </message>
    <message>
        <source>Length:</source>
        <translation>长度：</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>随机种子：</translation>
    </message>
    <message>
        <source>(a translation model: open it in the Translate tab)</source>
        <translation>（翻译模型：请在“翻译”选项卡中打开）</translation>
    </message>
    <message>
        <source>(loading the weights of run %1 and writing…)</source>
        <translation>（正在加载运行 %1 的权重并续写…）</translation>
    </message>
    <message>
        <source>(could not write: %1)</source>
        <translation>（无法续写：%1）</translation>
    </message>
    <message>
        <source>Read</source>
        <translation>读取</translation>
    </message>
    <message>
        <source>Every language model reads the text with its stored weights</source>
        <translation>每个语言模型用其存储的权重读取这段文本</translation>
    </message>
    <message>
        <source>Each character is coloured by the run that gave it, as the next character, the highest probability; the stronger the colour, the larger its lead.</source>
        <translation>每个字符按哪个运行预测它为下一个字符的概率最高来着色；颜色越深，领先越多。</translation>
    </message>
    <message>
        <source>None of these runs has weights to read with.</source>
        <translation>这些运行都没有可用于读取的权重。</translation>
    </message>
    <message>
        <source>(loading each run&apos;s weights and reading…)</source>
        <translation>（正在加载每个运行的权重并读取…）</translation>
    </message>
    <message>
        <source>Run %1 could not read the text: %2</source>
        <translation>运行 %1 无法读取这段文本：%2</translation>
    </message>
    <message>
        <source>p(%1) = %2; top: %3</source>
        <translation>p(%1) = %2；最可能：%3</translation>
    </message>
    <message numerus="yes">
        <source>%1: ahead on %n character(s)</source>
        <translation>
            <numerusform>%1：在 %n 个字符上领先</numerusform>
        </translation>
    </message>
    <message>
        <source>These runs read the text in different tokens: compared up to token %1.</source>
        <translation>这些运行按不同的词元读取这段文本：只比较到第 %1 个词元。</translation>
    </message>
</context>
<context>
    <name>traveller::ui::ExperimentPanel</name>
    <message>
        <source>Schedule</source>
        <translation>变更计划</translation>
    </message>
    <message>
        <source>Experiments shipped with Traveller (resources/presets)</source>
        <translation>Traveller 自带的实验（resources/presets）</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Run name</source>
        <translation>运行名称</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <source>Implementation</source>
        <translation>实现</translation>
    </message>
    <message>
        <source>built-in</source>
        <translation>内置</translation>
    </message>
    <message>
        <source>from scratch</source>
        <translation>从零开始实现</translation>
    </message>
    <message>
        <source>fused (fast CPU)</source>
        <translation>融合算子（CPU 快速）</translation>
    </message>
    <message>
        <source>Hidden size</source>
        <translation>隐藏单元数</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>层数</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>迭代周期数</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Clipping (0 = off)</source>
        <translation>梯度裁剪（0 = 关闭）</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Data and samples</source>
        <translation>数据与生成文本</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批量大小</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>时间步数</translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation>采样方式</translation>
    </message>
    <message>
        <source>sequential</source>
        <translation>顺序分区</translation>
    </message>
    <message>
        <source>random</source>
        <translation>随机采样</translation>
    </message>
    <message>
        <source>Max tokens (0 = all)</source>
        <translation>最多词元数（0 = 全部）</translation>
    </message>
    <message>
        <source>Sample every (epochs)</source>
        <translation>生成文本间隔（迭代周期）</translation>
    </message>
    <message>
        <source>Corpus</source>
        <translation>语料</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>This LibTorch build is CPU-only: no CUDA devices can be used.</source>
        <translation>此 LibTorch 构建仅支持 CPU：无法使用 CUDA 设备。</translation>
    </message>
    <message>
        <source>LibTorch has CUDA support but sees no GPU.</source>
        <translation>LibTorch 支持 CUDA，但检测不到 GPU。</translation>
    </message>
    <message>
        <source>(choose a preset)</source>
        <translation>（选择一个预设）</translation>
    </message>
    <message>
        <source>%1 (%2): %3</source>
        <translation>%1（%2）：%3</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>SGD (the book)</source>
        <translation>SGD（同书中）</translation>
    </message>
    <message>
        <source>Adam</source>
        <translation>Adam</translation>
    </message>
    <message>
        <source>When it diverges</source>
        <translation>发散时</translation>
    </message>
    <message>
        <source>stop the run</source>
        <translation>停止运行</translation>
    </message>
    <message>
        <source>train on</source>
        <translation>继续训练</translation>
    </message>
    <message>
        <source>Embedding (0 = one-hot)</source>
        <translation>嵌入维度（0 = 独热编码）</translation>
    </message>
    <message>
        <source>Backpropagation</source>
        <translation>反向传播</translation>
    </message>
    <message>
        <source>per batch</source>
        <translation>每个小批量</translation>
    </message>
    <message>
        <source>whole epoch</source>
        <translation>整个迭代周期</translation>
    </message>
    <message>
        <source>CPU threads (0 = all)</source>
        <translation>CPU 线程数（0 = 全部）</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>characters</source>
        <translation>字符</translation>
    </message>
    <message>
        <source>words</source>
        <translation>单词</translation>
    </message>
    <message>
        <source>Text cleaning</source>
        <translation>文本清洗</translation>
    </message>
    <message>
        <source>a-z only</source>
        <translation>仅 a-z</translation>
    </message>
    <message>
        <source>all Unicode</source>
        <translation>全部 Unicode 字符</translation>
    </message>
    <message>
        <source>Lines joined</source>
        <translation>行的拼接</translation>
    </message>
    <message>
        <source>directly</source>
        <translation>直接相连</translation>
    </message>
    <message>
        <source>with a space</source>
        <translation>以空格相连</translation>
    </message>
    <message>
        <source>Held-out tokens</source>
        <translation>留出集词元数</translation>
    </message>
    <message>
        <source>Sample prefix</source>
        <translation>生成文本前缀</translation>
    </message>
    <message>
        <source>Sample length</source>
        <translation>生成文本长度</translation>
    </message>
    <message>
        <source>Temperature (0 = greedy)</source>
        <translation>温度（0 = 贪心）</translation>
    </message>
    <message>
        <source>Learning-rate shape</source>
        <translation>学习率调度</translation>
    </message>
    <message>
        <source>constant</source>
        <translation>常数</translation>
    </message>
    <message>
        <source>step</source>
        <translation>阶梯下降</translation>
    </message>
    <message>
        <source>cosine</source>
        <translation>余弦</translation>
    </message>
    <message>
        <source>warm-up + cosine</source>
        <translation>预热 + 余弦</translation>
    </message>
    <message>
        <source>Step every (epochs)</source>
        <translation>每隔几个迭代周期下降一次</translation>
    </message>
    <message>
        <source>Step factor</source>
        <translation>每次下降的因子</translation>
    </message>
    <message>
        <source>Warm-up (epochs)</source>
        <translation>预热迭代周期数</translation>
    </message>
    <message>
        <source>Final rate (x lr)</source>
        <translation>最终学习率（× lr）</translation>
    </message>
    <message>
        <source>Keep weights every (epochs)</source>
        <translation>每隔几个迭代周期保留权重</translation>
    </message>
    <message numerus="yes">
        <source>More settings (%n changed)</source>
        <translation>
            <numerusform>更多设置（%n 项已更改）</numerusform>
        </translation>
    </message>
    <message>
        <source>More settings</source>
        <translation>更多设置</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <source>float32</source>
        <translation>float32（单精度）</translation>
    </message>
    <message>
        <source>bfloat16 (mixed)</source>
        <translation>bfloat16（混合精度）</translation>
    </message>
</context>
<context>
    <name>traveller::ui::ForkDialog</name>
    <message>
        <source>Continue run %1</source>
        <translation>继续训练运行 %1</translation>
    </message>
    <message>
        <source>Train run %1 on from epoch %2 for this many more epochs (it stays the same run; its curve goes on):</source>
        <translation>从第 %2 个迭代周期起把运行 %1 再训练这么多个迭代周期（仍是同一个运行，曲线接着画下去）：</translation>
    </message>
    <message>
        <source>Fork run %1</source>
        <translation>分叉运行 %1</translation>
    </message>
    <message>
        <source>A new run starts from the weights run %1 kept at the chosen epoch and trains with the settings below from there on. Run %1 itself does not change.</source>
        <translation>新运行从运行 %1 在所选迭代周期保留的权重开始，此后按下面的设置训练。运行 %1 本身不变。</translation>
    </message>
    <message>
        <source>The epochs whose weights the run kept (train.keep_checkpoints) and its last</source>
        <translation>该运行保留了权重的迭代周期（train.keep_checkpoints）及其最后一个迭代周期</translation>
    </message>
    <message>
        <source>From epoch</source>
        <translation>起始迭代周期</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Clipping (0 = off)</source>
        <translation>梯度裁剪（0 = 关闭）</translation>
    </message>
    <message>
        <source>Temperature (0 = greedy)</source>
        <translation>温度（0 = 贪心）</translation>
    </message>
    <message>
        <source>Train to epoch</source>
        <translation>训练到第几个迭代周期</translation>
    </message>
    <message>
        <source>(the run&apos;s name, the epoch and the changes)</source>
        <translation>（运行名称、迭代周期和改动）</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Fork and train</source>
        <translation>分叉并训练</translation>
    </message>
</context>
<context>
    <name>traveller::ui::ImportTorchDialog</name>
    <message>
        <source>Import a PyTorch model</source>
        <translation>导入 PyTorch 模型</translation>
    </message>
    <message>
        <source>State dict:</source>
        <translation>state_dict：</translation>
    </message>
    <message>
        <source>PyTorch files (*.pt *.pth);;All files (*)</source>
        <translation>PyTorch 文件 (*.pt *.pth);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Language model (the book&apos;s RNNModel)</source>
        <translation>语言模型（书中的 RNNModel）</translation>
    </message>
    <message>
        <source>Translation (the seq2seq chapter&apos;s EncoderDecoder)</source>
        <translation>翻译（seq2seq 一章的 EncoderDecoder）</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <source>Cell (the book&apos;s layer):</source>
        <translation>单元（书中的层）：</translation>
    </message>
    <message>
        <source>Optional: the book&apos;s vocab.idx_to_token as JSON</source>
        <translation>可选：书中 vocab.idx_to_token 的 JSON</translation>
    </message>
    <message>
        <source>Vocabulary:</source>
        <translation>词表：</translation>
    </message>
    <message>
        <source>JSON (*.json);;All files (*)</source>
        <translation>JSON (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Epochs the book trained it:</source>
        <translation>书中训练的轮数：</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation>选择文件</translation>
    </message>
    <message>
        <source>Imported as run %1: %2.</source>
        <translation>已导入为运行 %1：%2。</translation>
    </message>
    <message>
        <source>%1 ⇒ %2 (BLEU %3)</source>
        <translation>%1 ⇒ %2（BLEU %3）</translation>
    </message>
    <message>
        <source>Imported as run %1: %2, perplexity %3 on the corpus.
Greedy sample: %4</source>
        <translation>已导入为运行 %1：%2，在语料上的困惑度 %3。
贪心采样：%4</translation>
    </message>
</context>
<context>
    <name>traveller::ui::LabPanel</name>
    <message>
        <source>Run this step</source>
        <translation>运行此步骤</translation>
    </message>
    <message>
        <source>Run the whole lab</source>
        <translation>运行整个实验</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Quick (class length)</source>
        <translation>快速（课堂版）</translation>
    </message>
    <message>
        <source>A tenth of the epochs (50 instead of 500), checked against the quick lab&apos;s own references</source>
        <translation>迭代周期数为十分之一（50 而非 500），并用课堂版自己的参考值核对</translation>
    </message>
    <message>
        <source>Language of the report</source>
        <translation>报告语言</translation>
    </message>
    <message>
        <source>Write report…</source>
        <translation>生成报告…</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>迭代周期</translation>
    </message>
    <message>
        <source>perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <source>Your observations for this step (kept in the run library, printed in the report)</source>
        <translation>你对这一步的观察（保存在运行记录库中，并写入报告）</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>笔记</translation>
    </message>
    <message>
        <source>Loss per epoch</source>
        <translation>每个迭代周期的损失</translation>
    </message>
    <message>
        <source>Perplexity per epoch</source>
        <translation>每个迭代周期的困惑度</translation>
    </message>
    <message>
        <source>RNN, GRU and LSTM at the book&apos;s settings</source>
        <translation>书中设置下的 RNN、GRU 与 LSTM</translation>
    </message>
    <message>
        <source>RNN, GRU and LSTM in the quick lab (a tenth of the epochs)</source>
        <translation>课堂版实验中的 RNN、GRU 与 LSTM（十分之一的迭代周期）</translation>
    </message>
    <message>
        <source>What the data says</source>
        <translation>数据说明了什么</translation>
    </message>
    <message>
        <source>Nothing is recorded yet: run the steps first.</source>
        <translation>还没有任何记录：请先运行各步骤。</translation>
    </message>
    <message>
        <source>Against the book: </source>
        <translation>与书中结果核对： </translation>
    </message>
    <message>
        <source>Could not keep the notes: %1</source>
        <translation>无法保存笔记：%1</translation>
    </message>
    <message>
        <source>This step trains nothing: it reads the runs of the steps before it.</source>
        <translation>此步骤不训练模型：它读取之前各步骤的运行。</translation>
    </message>
    <message numerus="yes">
        <source>Step %1: %n run(s) planned</source>
        <translation>
            <numerusform>步骤 %1：计划 %n 个运行</numerusform>
        </translation>
    </message>
    <message>
        <source>Step %1, %2: run %3 started</source>
        <translation>步骤 %1，%2：运行 %3 已开始</translation>
    </message>
    <message>
        <source>Step %1, %2: epoch %3/%4, %5</source>
        <translation>步骤 %1，%2：迭代周期 %3/%4，%5</translation>
    </message>
    <message>
        <source>Step %1, %2: run %3 %4</source>
        <translation>步骤 %1，%2：运行 %3 %4</translation>
    </message>
    <message>
        <source>Step %1 done in %2</source>
        <translation>步骤 %1 完成，用时 %2</translation>
    </message>
    <message>
        <source>Write the lab report</source>
        <translation>生成实验报告</translation>
    </message>
    <message>
        <source>Web page (*.html);;Markdown with SVG charts (*.md)</source>
        <translation>网页 (*.html);;带 SVG 图表的 Markdown (*.md)</translation>
    </message>
    <message>
        <source>Report written: %1</source>
        <translation>报告已生成：%1</translation>
    </message>
    <message>
        <source>Could not write the report: %1</source>
        <translation>无法生成报告：%1</translation>
    </message>
    <message>
        <source>Train this step again</source>
        <translation>重新训练此步骤</translation>
    </message>
    <message>
        <source>Trains every run of this step anew; its runs so far stay in the run library. Run this step and Run the whole lab keep finished runs and resume stopped ones.</source>
        <translation>重新训练此步骤的每次运行；已有的运行仍保留在运行记录库中。“运行此步骤”和“运行整个实验”会保留已完成的运行，并继续已停止的运行。</translation>
    </message>
    <message>
        <source>Step %1, %2: run %3 goes on from epoch %4</source>
        <translation>步骤 %1，%2：运行 %3 从第 %4 个迭代周期继续</translation>
    </message>
    <message>
        <source>Step %1, %2: run %3 kept (%4)</source>
        <translation>步骤 %1，%2：保留运行 %3（%4）</translation>
    </message>
    <message>
        <source>Seeds:</source>
        <translation>随机种子数：</translation>
    </message>
    <message>
        <source>Train each run of the lab on seeds 0 to N−1; the report gives each setting&apos;s mean ± standard deviation and says which differences lie within the seeds&apos; spread</source>
        <translation>用随机种子 0 到 N−1 分别训练实验的每个运行；报告给出每个设置的均值 ± 标准差，并指出哪些差异在随机种子的波动范围之内</translation>
    </message>
</context>
<context>
    <name>traveller::ui::LabRunTable</name>
    <message>
        <source>base</source>
        <translation>基准</translation>
    </message>
    <message>
        <source>Select a run to highlight its curve in the chart</source>
        <translation>选中一个运行，在图中突出显示它的曲线</translation>
    </message>
    <message>
        <source>perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>not run yet</source>
        <translation>尚未运行</translation>
    </message>
    <message>
        <source>%1 held-out</source>
        <translation>%1 留出集</translation>
    </message>
</context>
<context>
    <name>traveller::ui::LanguageModelPanel</name>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Train the experiment on the left (Ctrl+Enter)</source>
        <translation>训练左侧的实验（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Pause the run in progress (Ctrl+P); pauses do not count in tokens/s or time</source>
        <translation>暂停正在进行的运行（Ctrl+P）；暂停的时间不计入词元/秒和用时</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Resume the paused run (Ctrl+P)</source>
        <translation>继续已暂停的运行（Ctrl+P）</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop the run in progress (Esc), keeping its curve, samples and weights, and cancel the queue</source>
        <translation>停止正在进行的运行（Esc），保留其曲线、生成文本和权重，并取消队列</translation>
    </message>
    <message>
        <source>Loaded %1</source>
        <translation>已加载 %1</translation>
    </message>
    <message>
        <source>Could not load the experiment: %1</source>
        <translation>无法加载实验：%1</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source>Could not save: %1</source>
        <translation>无法保存：%1</translation>
    </message>
    <message>
        <source>SVG export needs Qt SVG, which this build lacks; use PNG or CSV</source>
        <translation>导出 SVG 需要 Qt SVG，但此构建没有该模块；请使用 PNG 或 CSV</translation>
    </message>
    <message>
        <source>Export to .png, .svg or .csv, not &apos;%1&apos;</source>
        <translation>请导出为 .png、.svg 或 .csv，而不是“%1”</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>已导出 %1</translation>
    </message>
    <message>
        <source>Could not write %1</source>
        <translation>无法写入 %1</translation>
    </message>
    <message>
        <source>Not started: %1</source>
        <translation>未开始：%1</translation>
    </message>
    <message>
        <source>%1 queued after %2</source>
        <translation>%1 已加入队列，排在 %2 之后</translation>
    </message>
    <message>
        <source>%1: %2 tokens, %3 parameters, %4</source>
        <translation>%1：%2 个词元，%3 个参数，%4</translation>
    </message>
    <message numerus="yes">
        <source>%1 finished: perplexity %2 after %n epoch(s), %3 tokens/s%4</source>
        <translation>
            <numerusform>%1 已完成：%n 个迭代周期后困惑度为 %2，%3 词元/秒%4</numerusform>
        </translation>
    </message>
    <message>
        <source>; saved as run %1 in the Runs tab</source>
        <translation>；已作为运行 %1 保存到“运行记录”标签页</translation>
    </message>
    <message numerus="yes">
        <source>%1 stopped after %n epoch(s); its curve, samples and weights are kept</source>
        <translation>
            <numerusform>%1 在 %n 个迭代周期后停止；其曲线、生成文本和权重均已保留</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (diverged at epoch %2)</source>
        <translation>%1（在第 %2 个迭代周期发散）</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 失败：%2</translation>
    </message>
    <message>
        <source>%1 did not start: %2</source>
        <translation>%1 未能开始：%2</translation>
    </message>
    <message>
        <source>(not trained)</source>
        <translation>（未训练）</translation>
    </message>
    <message>
        <source>(after resume…)</source>
        <translation>（继续后…）</translation>
    </message>
    <message>
        <source>(writing…)</source>
        <translation>（生成中…）</translation>
    </message>
    <message>
        <source>Continuing &quot;%1&quot; with %2 run(s), %3</source>
        <translation>正在用 %2 个运行续写“%1”（%3）</translation>
    </message>
    <message>
        <source>temperature %1</source>
        <translation>温度 %1</translation>
    </message>
    <message>
        <source>greedy</source>
        <translation>贪心</translation>
    </message>
    <message>
        <source>%1 held-out</source>
        <translation>%1 留出集</translation>
    </message>
    <message>
        <source>Add to queue</source>
        <translation>加入队列</translation>
    </message>
    <message>
        <source>Continue…</source>
        <translation>继续训练…</translation>
    </message>
    <message>
        <source>Train the last run that ended more epochs as the same run (in the Runs tab)</source>
        <translation>把最后结束的运行作为同一个运行再多训练几个迭代周期（在“运行记录”选项卡中）</translation>
    </message>
    <message>
        <source>Fork run %1 from here (epoch %2)…</source>
        <translation>从这里（第 %2 个迭代周期）分叉运行 %1…</translation>
    </message>
    <message>
        <source>Continue run %1…</source>
        <translation>继续训练运行 %1…</translation>
    </message>
</context>
<context>
    <name>traveller::ui::LensHeatmap</name>
    <message>
        <source>Every unit (rows) at every character (columns); click a row to colour the text by that unit</source>
        <translation>每个单元（行）在每个字符（列）上的值；点击一行，按该单元为文本着色</translation>
    </message>
</context>
<context>
    <name>traveller::ui::LensPanel</name>
    <message>
        <source>The weights after epoch %1. </source>
        <translation>第 %1 个迭代周期之后的权重。</translation>
    </message>
    <message>
        <source>A run of the Language model tab is read without saliency; open it from the library for it</source>
        <translation>语言模型标签页中的运行在读取时不计算显著性；如需显著性，请从运行记录库中打开它</translation>
    </message>
    <message>
        <source>Inspect a text and pick
a character: the cell&apos;s
step at it appears here.</source>
        <translation>分析一段文本并点选
一个字符：单元在这一步
的计算会显示在这里。</translation>
    </message>
    <message>
        <source>Runs of the library with stored weights (language models)</source>
        <translation>运行记录库中存有权重的运行（语言模型）</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>A text to read: typed, pasted, a stretch of the book</source>
        <translation>要读取的文本：输入、粘贴，或书中的一段</translation>
    </message>
    <message>
        <source>Inspect</source>
        <translation>分析</translation>
    </message>
    <message>
        <source>Read the text with the run&apos;s weights, character by character</source>
        <translation>用该运行的权重逐字符读取文本</translation>
    </message>
    <message>
        <source>layer </source>
        <translation>层 </translation>
    </message>
    <message>
        <source>h, or one of the cell&apos;s gates and candidates (GRU r, z, n; LSTM i, f, g, o and the cell state c; RNN a, the pre-activation)</source>
        <translation>h，或循环单元的某个门及候选值（GRU 的 r、z、n；LSTM 的 i、f、g、o 和记忆元 c；RNN 的 a，即激活前的值）</translation>
    </message>
    <message>
        <source>unit </source>
        <translation>单元 </translation>
    </message>
    <message>
        <source>The unit that colours the text and the equations show (click a heatmap row)</source>
        <translation>为文本着色并在公式中显示的单元（点击热图中的一行）</translation>
    </message>
    <message>
        <source>Run:</source>
        <translation>运行：</translation>
    </message>
    <message>
        <source>Text:</source>
        <translation>文本：</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <source>Find units</source>
        <translation>查找单元</translation>
    </message>
    <message>
        <source>Shift-click a span of the text (from the chosen character), then: the units most active on it and least elsewhere</source>
        <translation>按住 Shift 点击文本，选出一段（从所选字符开始），然后：找出在这一段上最活跃、在其他地方最不活跃的单元</translation>
    </message>
    <message>
        <source>Click a character, then shift-click another: that span is searched</source>
        <translation>点击一个字符，再按住 Shift 点击另一个：搜索这一段</translation>
    </message>
    <message>
        <source>CSV…</source>
        <translation>CSV…</translation>
    </message>
    <message>
        <source>Every character&apos;s h and gates of the shown layer, as a table</source>
        <translation>以表格导出所示层上每个字符的 h 和各个门</translation>
    </message>
    <message>
        <source>Export activations</source>
        <translation>导出激活值</translation>
    </message>
    <message>
        <source>CSV table (*.csv)</source>
        <translation>CSV 表格 (*.csv)</translation>
    </message>
    <message>
        <source>Export view…</source>
        <translation>导出视图…</translation>
    </message>
    <message>
        <source>A view as PNG or SVG at slide size</source>
        <translation>以幻灯片尺寸将视图导出为 PNG 或 SVG</translation>
    </message>
    <message>
        <source>The text with its guesses</source>
        <translation>文本及模型的预测</translation>
    </message>
    <message>
        <source>Units × characters</source>
        <translation>单元 × 字符</translation>
    </message>
    <message>
        <source>State trajectory</source>
        <translation>状态轨迹</translation>
    </message>
    <message>
        <source>Mean per character</source>
        <translation>每个字符的均值</translation>
    </message>
    <message>
        <source>Export view</source>
        <translation>导出视图</translation>
    </message>
    <message>
        <source>PNG image (*.png);;SVG image (*.svg)</source>
        <translation>PNG 图像 (*.png);;SVG 图像 (*.svg)</translation>
    </message>
    <message>
        <source>Choose a run with weights and a text, then Inspect.</source>
        <translation>选择一个带权重的运行和一段文本，然后点击“分析”。</translation>
    </message>
    <message>
        <source>character</source>
        <translation>字符</translation>
    </message>
    <message>
        <source>mean over the units</source>
        <translation>所有单元的均值</translation>
    </message>
    <message>
        <source>Mean value per character</source>
        <translation>每个字符的平均值</translation>
    </message>
    <message>
        <source>mean</source>
        <translation>均值</translation>
    </message>
    <message>
        <source>unit</source>
        <translation>单元</translation>
    </message>
    <message>
        <source>No run %1 in the Language model tab</source>
        <translation>“语言模型”标签页中没有运行 %1</translation>
    </message>
    <message>
        <source>Type a text to read</source>
        <translation>请输入要读取的文本</translation>
    </message>
    <message>
        <source>Following %1: the text is read again at every sample interval</source>
        <translation>正在跟随 %1：每到生成文本的间隔就重新读取文本</translation>
    </message>
    <message>
        <source>Reading the text with the last weights of %1…</source>
        <translation>正在用 %1 的最新权重读取文本…</translation>
    </message>
    <message>
        <source>This session: %1</source>
        <translation>本次会话：%1</translation>
    </message>
    <message>
        <source>#%1 %2 (perplexity %3)</source>
        <translation>#%1 %2（困惑度 %3）</translation>
    </message>
    <message>
        <source>Could not read the library: %1</source>
        <translation>无法读取运行记录库：%1</translation>
    </message>
    <message>
        <source>Could not read the text: %1</source>
        <translation>无法读取文本：%1</translation>
    </message>
    <message>
        <source>Reading the text with the weights of run %1…</source>
        <translation>正在用运行 %1 的权重读取文本…</translation>
    </message>
    <message>
        <source>Epoch %1 of the run in training. </source>
        <translation>训练中的运行处于第 %1 个迭代周期。 </translation>
    </message>
    <message numerus="yes">
        <source>%1, %2 layer(s) of %3 units: perplexity %4 on these %n character(s) (read in %5)%6</source>
        <translation>
            <numerusform>%1，%2 层，每层 %3 个单元：在这 %n 个字符上的困惑度为 %4（读取用时 %5）%6</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>; %n character(s) outside its vocabulary</source>
        <translation>
            <numerusform>；%n 个字符不在其词表中</numerusform>
        </translation>
    </message>
    <message>
        <source>Following a run in training: saliency is left out (it would slow the training)</source>
        <translation>正在跟随训练中的运行：不计算显著性（否则会拖慢训练）</translation>
    </message>
    <message>
        <source>Saliency is computed for texts up to %1 characters</source>
        <translation>仅对不超过 %1 个字符的文本计算显著性</translation>
    </message>
    <message>
        <source>%1 per character, layer %2</source>
        <translation>每个字符的 %1，第 %2 层</translation>
    </message>
    <message>
        <source>mean of %1 over the units</source>
        <translation>%1 在所有单元上的均值</translation>
    </message>
    <message>
        <source>unit %1</source>
        <translation>单元 %1</translation>
    </message>
    <message>
        <source>%1 (%2 vs %3)</source>
        <translation>%1（段内 %2，段外 %3）</translation>
    </message>
    <message>
        <source>On &quot;%1&quot;: %2</source>
        <translation>在“%1”上：%2</translation>
    </message>
    <message>
        <source>Inspect a text first</source>
        <translation>请先分析一段文本</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>已导出 %1</translation>
    </message>
    <message>
        <source>Could not write %1</source>
        <translation>无法写入 %1</translation>
    </message>
    <message>
        <source>No view &apos;%1&apos;</source>
        <translation>没有视图“%1”</translation>
    </message>
    <message>
        <source>SVG export needs Qt SVG, which this build lacks; use PNG</source>
        <translation>导出 SVG 需要 Qt SVG，但此构建没有该模块；请使用 PNG</translation>
    </message>
    <message>
        <source>Could not export: %1</source>
        <translation>无法导出：%1</translation>
    </message>
    <message>
        <source>Step %1: &apos;%2&apos; → next &apos;%3&apos;
p(next) = %4
Layer %5, unit %6:
</source>
        <translation>时间步 %1：“%2” → 下一个“%3”
p(下一个) = %4
第 %5 层，单元 %6：
</translation>
    </message>
</context>
<context>
    <name>traveller::ui::LensTextView</name>
    <message>
        <source>&apos;%1&apos; → next &apos;%2&apos;: p = %3</source>
        <translation>“%1” → 下一个“%2”：p = %3</translation>
    </message>
</context>
<context>
    <name>traveller::ui::LensTrajectory</name>
    <message>
        <source>The hidden state at each character on its two main directions (principal components); nearby points are states the model treats alike</source>
        <translation>每个字符处的隐状态在其两个主方向（主成分）上的投影；相近的点是模型同等看待的状态</translation>
    </message>
    <message>
        <source>h on its principal components: %1% and %2% of the variance</source>
        <translation>h 在主成分上的投影：分别解释 %1% 和 %2% 的方差</translation>
    </message>
</context>
<context>
    <name>traveller::ui::LessonBar</name>
    <message>
        <source>Step %1 of %2: %3</source>
        <translation>第 %1 步（共 %2 步）：%3</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>上一步</translation>
    </message>
    <message>
        <source>The lesson&apos;s previous step</source>
        <translation>课程的上一步</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <source>The lesson&apos;s next step</source>
        <translation>课程的下一步</translation>
    </message>
    <message>
        <source>Run this step</source>
        <translation>运行此步骤</translation>
    </message>
    <message>
        <source>Train the runs this step names, with the lesson&apos;s settings</source>
        <translation>按课程的设置训练这一步列出的运行</translation>
    </message>
    <message>
        <source>Close lesson</source>
        <translation>关闭课程</translation>
    </message>
    <message>
        <source>Leave the lesson: every tab and control comes back</source>
        <translation>离开课程：所有标签页和控件都会恢复</translation>
    </message>
    <message>
        <source>Your answer (kept in the run library)</source>
        <translation>你的回答（保存在运行记录库中）</translation>
    </message>
</context>
<context>
    <name>traveller::ui::LessonController</name>
    <message>
        <source>This step names controls the window does not have: %1</source>
        <translation>这一步提到了窗口中没有的控件：%1</translation>
    </message>
    <message>
        <source>Fixed by the lesson: %1 = %2</source>
        <translation>由课程固定：%1 = %2</translation>
    </message>
    <message>
        <source>The Lens reads %1 once it has trained: press Run this step on an earlier step first</source>
        <translation>%1 训练好后透镜才能读取它：请先在前面的步骤中按“运行此步骤”</translation>
    </message>
    <message>
        <source>The samples are written once the lesson&apos;s model has trained: press Run this step on the first step</source>
        <translation>课程的模型训练好后才会生成文本：请先在第一步按“运行此步骤”</translation>
    </message>
    <message>
        <source>%1, %2: not measured yet (expected %3)</source>
        <translation>%1，%2：尚未测得（预期 %3）</translation>
    </message>
    <message>
        <source>%1, %2: %3 ✓ (expected %4)</source>
        <translation>%1，%2：%3 ✓（预期 %4）</translation>
    </message>
    <message>
        <source>%1, %2: %3 ✗ (expected %4)</source>
        <translation>%1，%2：%3 ✗（预期 %4）</translation>
    </message>
    <message>
        <source>Book: %1 %2</source>
        <translation>教材：%1 %2</translation>
    </message>
    <message>
        <source>perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <source>Held-out perplexity</source>
        <translation>留出集上的困惑度</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>BLEU</source>
        <translation>BLEU</translation>
    </message>
    <message>
        <source>held-out BLEU</source>
        <translation>留出集 BLEU</translation>
    </message>
</context>
<context>
    <name>traveller::ui::LineChart</name>
    <message>
        <source>%1 (log scale)</source>
        <translation>%1（对数刻度）</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n point(s) outside the axis, drawn at its edge (extreme value %2)</source>
        <translation>
            <numerusform>%1：%n 个点超出坐标轴，画在坐标轴边缘（极值 %2）</numerusform>
        </translation>
    </message>
    <message>
        <source>Smoothed for display: EMA, weight %1</source>
        <translation>为显示而平滑：指数移动平均，权重 %1</translation>
    </message>
    <message numerus="yes">
        <source>Smoothed for display: centred mean of %n point(s)</source>
        <translation>
            <numerusform>为显示而平滑：%n 个点的居中滑动平均</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>traveller::ui::LmCharts</name>
    <message>
        <source>CPU (1 thread)</source>
        <translation>CPU（1 个线程）</translation>
    </message>
    <message>
        <source>CPU (%1 threads)</source>
        <translation>CPU（%1 个线程）</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>迭代周期</translation>
    </message>
    <message>
        <source>perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <source>Training perplexity</source>
        <translation>训练困惑度</translation>
    </message>
    <message>
        <source>Perplexity: e to the mean cross-entropy per character. 1 is a perfect prediction; the vocabulary size (28 characters) is guessing uniformly. The book&apos;s runs reach about 1.0 (GRU, LSTM) and 1.3 (RNN).</source>
        <translation>困惑度：每个字符平均交叉熵的指数（以 e 为底）。1 表示完美预测；等于词表大小（28 个字符）则相当于均匀随机猜测。书中的运行大约达到 1.0（GRU、LSTM）和 1.3（RNN）。</translation>
    </message>
    <message>
        <source>%1
epoch %2: perplexity %3</source>
        <translation>%1
第 %2 个迭代周期：困惑度 %3</translation>
    </message>
    <message>
        <source>Log scale</source>
        <translation>对数刻度</translation>
    </message>
    <message>
        <source>Export:</source>
        <translation>导出：</translation>
    </message>
    <message>
        <source>PNG…</source>
        <translation>PNG…</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>SVG…</source>
        <translation>SVG…</translation>
    </message>
    <message>
        <source>SVG image (*.svg)</source>
        <translation>SVG 图像 (*.svg)</translation>
    </message>
    <message>
        <source>CSV…</source>
        <translation>CSV…</translation>
    </message>
    <message>
        <source>CSV table (*.csv)</source>
        <translation>CSV 表格 (*.csv)</translation>
    </message>
    <message>
        <source>Export perplexity</source>
        <translation>导出困惑度</translation>
    </message>
    <message>
        <source>SVG export needs Qt SVG, which this build lacks; PNG and CSV work</source>
        <translation>导出 SVG 需要 Qt SVG，但此构建没有该模块；PNG 和 CSV 可用</translation>
    </message>
    <message>
        <source>gradient norm</source>
        <translation>梯度范数</translation>
    </message>
    <message>
        <source>Gradient norm per batch</source>
        <translation>每个小批量的梯度范数</translation>
    </message>
    <message>
        <source>norm</source>
        <translation>范数</translation>
    </message>
    <message>
        <source>clipped</source>
        <translation>已裁剪</translation>
    </message>
    <message>
        <source>threshold</source>
        <translation>阈值</translation>
    </message>
    <message>
        <source>The norm of the gradient of each batch. Above the threshold (train.clip) the gradient is scaled down to it: gradient clipping keeps one bad batch from throwing the weights far away; a learning rate that is too high still makes the norms, then the loss, explode.</source>
        <translation>每个小批量的梯度范数。超过阈值（train.clip）时，梯度会被缩放到阈值：梯度裁剪能防止一个糟糕的小批量把权重推得很远；但学习率过高时，范数乃至损失仍会爆炸。</translation>
    </message>
    <message>
        <source>%1
epoch %2: %3</source>
        <translation>%1
第 %2 个迭代周期：%3</translation>
    </message>
    <message>
        <source>Gradient norm — %1</source>
        <translation>梯度范数 — %1</translation>
    </message>
    <message>
        <source>clip at %1</source>
        <translation>裁剪阈值 %1</translation>
    </message>
    <message>
        <source>no clipping</source>
        <translation>不裁剪</translation>
    </message>
    <message>
        <source>clipped: %1 of %2</source>
        <translation>已裁剪：%1 / %2</translation>
    </message>
    <message>
        <source>Characters trained per second, pauses left out</source>
        <translation>每秒训练的字符数，不计暂停时间</translation>
    </message>
    <message>
        <source>epoch —</source>
        <translation>迭代周期 —</translation>
    </message>
    <message>
        <source>perplexity —</source>
        <translation>困惑度 —</translation>
    </message>
    <message>
        <source>— tokens/s</source>
        <translation>— 词元/秒</translation>
    </message>
    <message>
        <source>epoch %1/%2</source>
        <translation>迭代周期 %1/%2</translation>
    </message>
    <message>
        <source>perplexity %1</source>
        <translation>困惑度 %1</translation>
    </message>
    <message>
        <source>%1 tokens/s</source>
        <translation>%1 词元/秒</translation>
    </message>
    <message>
        <source>%1, paused</source>
        <translation>%1，已暂停</translation>
    </message>
    <message>
        <source>%1, %2 to go</source>
        <translation>%1，还剩 %2</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1，%2</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
</context>
<context>
    <name>traveller::ui::LmRunTable</name>
    <message>
        <source>Tick a run to show it on the perplexity chart; select it for its gradient norms and timeline</source>
        <translation>勾选一个运行，将其显示在困惑度图上；选中它，查看其梯度范数和时间线</translation>
    </message>
</context>
<context>
    <name>traveller::ui::MainWindow</name>
    <message>
        <source>Import a &amp;PyTorch model…</source>
        <translation>导入 PyTorch 模型(&amp;P)…</translation>
    </message>
    <message>
        <source>Traveller — RNN workbench</source>
        <translation>Traveller — 循环神经网络工作台</translation>
    </message>
    <message>
        <source>Quit Traveller?</source>
        <translation>退出 Traveller？</translation>
    </message>
    <message>
        <source>%1 is still training. Quitting stops it now: its finished epochs, samples and last checkpoint stay in the run library (the Runs tab can resume it), and queued runs are cancelled.

Quit anyway?</source>
        <translation>%1 仍在训练。现在退出会立即停止它：已完成的迭代周期、生成文本和最后一个检查点会保留在运行记录库中（可在“运行记录”标签页中继续），排队的运行将被取消。

仍要退出吗？</translation>
    </message>
    <message>
        <source>A run</source>
        <translation>一个运行</translation>
    </message>
    <message>
        <source>Traveller — %1</source>
        <translation>Traveller — %1</translation>
    </message>
    <message>
        <source>Language model</source>
        <translation>语言模型</translation>
    </message>
    <message>
        <source>Translate</source>
        <translation>翻译</translation>
    </message>
    <message>
        <source>Sweeps</source>
        <translation>扫描</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>运行记录</translation>
    </message>
    <message>
        <source>Lens</source>
        <translation>透镜</translation>
    </message>
    <message>
        <source>Lab</source>
        <translation>实验</translation>
    </message>
    <message>
        <source>The settings of run %1 are in the form: change them and Train, or Train them again</source>
        <translation>运行 %1 的设置已填入表单：修改后点击“训练”，或直接再次训练</translation>
    </message>
    <message>
        <source>Could not open run %1: %2</source>
        <translation>无法打开运行 %1：%2</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open experiment…</source>
        <translation>打开实验(&amp;O)…</translation>
    </message>
    <message>
        <source>Open experiment</source>
        <translation>打开实验</translation>
    </message>
    <message>
        <source>Experiments (*.yaml *.yml)</source>
        <translation>实验 (*.yaml *.yml)</translation>
    </message>
    <message>
        <source>&amp;Save experiment…</source>
        <translation>保存实验(&amp;S)…</translation>
    </message>
    <message>
        <source>Save experiment</source>
        <translation>保存实验</translation>
    </message>
    <message>
        <source>Experiments (*.yaml)</source>
        <translation>实验 (*.yaml)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Presentation mode</source>
        <translation>演示模式(&amp;P)</translation>
    </message>
    <message>
        <source>Large text, thick lines and the charts on the whole tab, for a projector</source>
        <translation>大号文字、粗线条，图表占满整个标签页，适合投影</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Actual size</source>
        <translation>实际大小(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Traveller</source>
        <translation>关于 Traveller(&amp;A)</translation>
    </message>
    <message>
        <source>About Traveller</source>
        <translation>关于 Traveller</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>关于 Qt(&amp;Q)</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Traveller %1&lt;/h3&gt;&lt;p&gt;A workbench for recurrent neural networks: the RNN, GRU, LSTM and seq2seq chapters of &lt;i&gt;Dive into Deep Learning&lt;/i&gt;, trained and compared live.&lt;/p&gt;&lt;table&gt;&lt;tr&gt;&lt;td&gt;Qt&lt;/td&gt;&lt;td&gt;%2&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;LibTorch&lt;/td&gt;&lt;td&gt;%3&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;BLAS&lt;/td&gt;&lt;td&gt;%4&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Threads&lt;/td&gt;&lt;td&gt;%5&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Devices&lt;/td&gt;&lt;td&gt;%6&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;</source>
        <translation>&lt;h3&gt;Traveller %1&lt;/h3&gt;&lt;p&gt;循环神经网络工作台：实时训练并比较《&lt;i&gt;动手学深度学习&lt;/i&gt;》中 RNN、GRU、LSTM 和 seq2seq 各章的模型。&lt;/p&gt;&lt;table&gt;&lt;tr&gt;&lt;td&gt;Qt&lt;/td&gt;&lt;td&gt;%2&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;LibTorch&lt;/td&gt;&lt;td&gt;%3&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;BLAS&lt;/td&gt;&lt;td&gt;%4&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;线程&lt;/td&gt;&lt;td&gt;%5&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;设备&lt;/td&gt;&lt;td&gt;%6&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>Open &amp;lesson…</source>
        <translation>打开课程(&amp;L)…</translation>
    </message>
    <message>
        <source>Open lesson</source>
        <translation>打开课程</translation>
    </message>
    <message>
        <source>Lessons (*.traveller-lesson)</source>
        <translation>课程 (*.traveller-lesson)</translation>
    </message>
    <message>
        <source>A lesson prepared by a teacher: its steps, one at a time, in a bar above the tabs</source>
        <translation>教师准备的课程：在标签页上方的课程栏中逐步展示</translation>
    </message>
    <message>
        <source>Save as lesson…</source>
        <translation>另存为课程…</translation>
    </message>
    <message>
        <source>This window&apos;s settings and runs as a lesson file: its steps, and what each hides or locks</source>
        <translation>把此窗口的设置和运行保存为课程文件：课程的步骤，以及每一步隐藏或锁定的控件</translation>
    </message>
</context>
<context>
    <name>traveller::ui::Make</name>
    <message>
        <source>Select two or more runs to compare</source>
        <translation>请选择两个或更多运行进行比较</translation>
    </message>
</context>
<context>
    <name>traveller::ui::ParallelDialog</name>
    <message numerus="yes">
        <source>Parallel coordinates of %n run(s)</source>
        <translation>
            <numerusform>%n 个运行的平行坐标图</numerusform>
        </translation>
    </message>
    <message>
        <source>The axes drawn; your choice is remembered</source>
        <translation>绘制的坐标轴；你的选择会被记住</translation>
    </message>
    <message>
        <source>Setting</source>
        <translation>设置项</translation>
    </message>
    <message>
        <source>Share of the variance</source>
        <translation>方差占比</translation>
    </message>
    <message>
        <source>Values</source>
        <translation>取值个数</translation>
    </message>
    <message>
        <source>Axes</source>
        <translation>坐标轴</translation>
    </message>
    <message>
        <source>Which setting matters</source>
        <translation>哪个设置要紧</translation>
    </message>
    <message>
        <source>final perplexity</source>
        <translation>最终的困惑度</translation>
    </message>
    <message>
        <source>held-out perplexity</source>
        <translation>留出困惑度</translation>
    </message>
    <message numerus="yes">
        <source>Functional ANOVA main effects: the share of the variance of log final perplexity over %n run(s) that each setting explains alone (the rest is interactions and noise).</source>
        <translation>
            <numerusform>函数型方差分析（ANOVA）主效应：在 %n 个运行上，每个设置单独解释的最终困惑度对数的方差占比（其余是交互作用和噪声）。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>traveller::ui::ParallelPlot</name>
    <message>
        <source>Drag along an axis to keep only the runs in that range; double-click an axis to clear it</source>
        <translation>沿坐标轴拖动，只保留该范围内的运行；双击坐标轴清除</translation>
    </message>
    <message>
        <source> (log)</source>
        <translation>（对数）</translation>
    </message>
</context>
<context>
    <name>traveller::ui::RunDetails</name>
    <message>
        <source>Settings changed while it trained:</source>
        <translation>训练中修改过的设置：</translation>
    </message>
    <message>
        <source> (its schedule)</source>
        <translation>（按变更计划）</translation>
    </message>
    <message>
        <source>epoch %1</source>
        <translation>迭代周期 %1</translation>
    </message>
    <message>
        <source>Select a run to see its curve and samples.</source>
        <translation>选择一个运行以查看其曲线和生成文本。</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>迭代周期</translation>
    </message>
    <message>
        <source>perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <source>Perplexity of the selected runs</source>
        <translation>所选运行的困惑度</translation>
    </message>
    <message>
        <source>%1
epoch %2: perplexity %3</source>
        <translation>%1
迭代周期 %2：困惑度 %3</translation>
    </message>
    <message>
        <source>greedy</source>
        <translation>贪心</translation>
    </message>
    <message>
        <source>0 writes the most likely character each step (the book); above 0 samples</source>
        <translation>0：每步写出最可能的字符（同书中）；大于 0：按概率采样</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <source>Load the run&apos;s stored weights and continue the prefix</source>
        <translation>加载该运行保存的权重并续写前缀</translation>
    </message>
    <message>
        <source>Prefix:</source>
        <translation>前缀：</translation>
    </message>
    <message>
        <source>T:</source>
        <translation>T：</translation>
    </message>
    <message>
        <source>Length:</source>
        <translation>长度：</translation>
    </message>
    <message>
        <source>#%1 %2</source>
        <translation>#%1 %2</translation>
    </message>
    <message>
        <source>#%1 held-out</source>
        <translation>#%1 留出集</translation>
    </message>
    <message>
        <source>&lt;b&gt;#%1 %2&lt;/b&gt; — %3, %4/%5 epochs, perplexity %6, %7 on %8</source>
        <translation>&lt;b&gt;#%1 %2&lt;/b&gt; — %3，%4/%5 个迭代周期，困惑度 %6，在 %8 上用时 %7</translation>
    </message>
    <message>
        <source>Final samples (epoch %1):
</source>
        <translation>最终生成文本（迭代周期 %1）：
</translation>
    </message>
    <message>
        <source>At each sample interval:
</source>
        <translation>每个采样间隔的生成文本：
</translation>
    </message>
    <message>
        <source>(no samples recorded yet)</source>
        <translation>（尚无生成文本记录）</translation>
    </message>
    <message>
        <source>&lt;b&gt;#%1 %2&lt;/b&gt; — translation, %3, %4/%5 epochs, loss %6, held-out BLEU-4 %7, %8</source>
        <translation>&lt;b&gt;#%1 %2&lt;/b&gt; — 翻译，%3，%4/%5 个迭代周期，损失 %6，留出集 BLEU-4 %7，用时 %8</translation>
    </message>
    <message>
        <source>The book&apos;s sentences (source → output | reference, BLEU):
</source>
        <translation>书中的句子（源句 → 输出 | 参考译文，BLEU）：
</translation>
    </message>
    <message>
        <source>
Open puts this model in the Translate tab, to translate with again.</source>
        <translation>
点击“打开”可将此模型载入“翻译”选项卡，再次用于翻译。</translation>
    </message>
    <message>
        <source>(could not write: %1)</source>
        <translation>（无法续写：%1）</translation>
    </message>
    <message>
        <source>(loading the weights of run %1 and writing…)</source>
        <translation>（正在加载运行 %1 的权重并续写…）</translation>
    </message>
    <message>
        <source>Samples written when an earlier attempt of this run ended:
</source>
        <translation>本运行上一次训练结束时写出的生成文本：
</translation>
    </message>
    <message numerus="yes">
        <source>%1 (mean of %n run(s))</source>
        <translation>
            <numerusform>%1（%n 个运行的均值）</numerusform>
        </translation>
    </message>
    <message>
        <source>forked from #%1 at epoch %2</source>
        <translation>于第 %2 个迭代周期从 #%1 分叉</translation>
    </message>
    <message>
        <source>forked at epoch %2 from #%1, since deleted</source>
        <translation>于第 %2 个迭代周期从 #%1 分叉（#%1 已删除）</translation>
    </message>
    <message>
        <source>forks: %1</source>
        <translation>分叉出的运行：%1</translation>
    </message>
    <message>
        <source>Note on this run (what you saw, why it matters)…</source>
        <translation>对此运行的笔记（你看到了什么，为什么重要）…</translation>
    </message>
    <message>
        <source>Kept with the run in the library; the filter finds it with note:word</source>
        <translation>随运行保存在运行记录库中；筛选框用 note:词 查找</translation>
    </message>
</context>
<context>
    <name>traveller::ui::RunQueue</name>
    <message>
        <source>No run is training</source>
        <translation>没有正在训练的运行</translation>
    </message>
    <message>
        <source>stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>loading corpus and model…</source>
        <translation>正在加载语料和模型…</translation>
    </message>
    <message>
        <source>training</source>
        <translation>训练中</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>stopped at epoch %1</source>
        <translation>已在迭代周期 %1 停止</translation>
    </message>
    <message>
        <source>diverged at epoch %1</source>
        <translation>在迭代周期 %1 发散</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>blew up at epoch %1, trained on</source>
        <translation>第 %1 个迭代周期发散后继续训练</translation>
    </message>
</context>
<context>
    <name>traveller::ui::RunTableModel</name>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Cell</source>
        <translation>单元类型</translation>
    </message>
    <message>
        <source>Hidden</source>
        <translation>隐藏单元</translation>
    </message>
    <message>
        <source>LR</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>迭代周期</translation>
    </message>
    <message>
        <source>Perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Held-out</source>
        <translation>留出集困惑度</translation>
    </message>
    <message>
        <source>BLEU</source>
        <translation>BLEU</translation>
    </message>
    <message>
        <source>Sweep</source>
        <translation>扫描</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>标注</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>tok/s</source>
        <translation>词元/秒</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>用时</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>生成文本</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>seq2seq %1%2</source>
        <translation>seq2seq %1%2</translation>
    </message>
    <message>
        <source> + attention</source>
        <translation> + 注意力</translation>
    </message>
    <message>
        <source>Corpus BLEU-4 over the held-out pairs</source>
        <translation>留出句对上的语料级 BLEU-4</translation>
    </message>
    <message>
        <source>Perplexity on held-out text, never trained on</source>
        <translation>留出文本上的困惑度（这些文本从未参与训练）</translation>
    </message>
    <message>
        <source>Corpus BLEU-4 on held-out pairs, never trained on</source>
        <translation>留出句对上的语料级 BLEU-4（这些句对从未参与训练）</translation>
    </message>
    <message>
        <source>%1: the runs %2</source>
        <translation>%1：运行 %2</translation>
    </message>
    <message>
        <source>The lowest perplexity over the epochs; a group&apos;s mean ± standard deviation over its runs</source>
        <translation>各迭代周期中最低的困惑度；一组则为组内各运行的均值 ± 标准差</translation>
    </message>
    <message>
        <source>How many runs a group row stands for (runs that differ only in their seed, or agree on the chosen settings)</source>
        <translation>一组所代表的运行数（只有随机种子不同的运行，或在所选设置上一致的运行）</translation>
    </message>
    <message>
        <source>Best</source>
        <translation>最佳</translation>
    </message>
    <message>
        <source>n</source>
        <translation>运行数</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>谱系</translation>
    </message>
</context>
<context>
    <name>traveller::ui::RunsExport</name>
    <message>
        <source>Markdown report with its chart (*.md)</source>
        <translation>带图表的 Markdown 报告 (*.md)</translation>
    </message>
    <message>
        <source>CSV table (*.csv)</source>
        <translation>CSV 表格 (*.csv)</translation>
    </message>
    <message>
        <source>JSON Lines (*.jsonl *.json)</source>
        <translation>JSON Lines 文件 (*.jsonl *.json)</translation>
    </message>
    <message numerus="yes">
        <source>Export %n run(s)</source>
        <translation>
            <numerusform>导出 %n 个运行</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>traveller::ui::RunsPanel</name>
    <message>
        <source>Library: %1</source>
        <translation>运行记录库：%1</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Read the library again (other sessions and the CLI write to it too)</source>
        <translation>重新读取运行记录库（其他会话和命令行工具也会写入）</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Open the run in its own tab: a language model&apos;s settings in the Language model form, a translation model in the Translate tab to translate with again</source>
        <translation>在对应的选项卡中打开运行：语言模型的设置载入“语言模型”表单，翻译模型载入“翻译”选项卡以便再次翻译</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <source>Rename the selected run</source>
        <translation>重命名所选运行</translation>
    </message>
    <message>
        <source>Rename run %1</source>
        <translation>重命名运行 %1</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <source>Tag…</source>
        <translation>添加标签…</translation>
    </message>
    <message>
        <source>Add a tag to the selected runs</source>
        <translation>为所选运行添加标签</translation>
    </message>
    <message>
        <source>Tag runs</source>
        <translation>为运行添加标签</translation>
    </message>
    <message>
        <source>Tag:</source>
        <translation>标签：</translation>
    </message>
    <message>
        <source>Untag…</source>
        <translation>移除标签…</translation>
    </message>
    <message>
        <source>Remove a tag from the selected runs</source>
        <translation>从所选运行中移除标签</translation>
    </message>
    <message>
        <source>The selected runs have no tags</source>
        <translation>所选运行没有标签</translation>
    </message>
    <message>
        <source>Untag runs</source>
        <translation>移除运行的标签</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Delete the selected runs, their metrics and their weights</source>
        <translation>删除所选运行及其指标和权重</translation>
    </message>
    <message>
        <source>Delete runs</source>
        <translation>删除运行</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n run(s) with their metrics, samples and weights? This cannot be undone.</source>
        <translation>
            <numerusform>删除 %n 个运行及其指标、生成文本和权重？此操作无法撤销。</numerusform>
        </translation>
    </message>
    <message>
        <source>Re-run</source>
        <translation>重新运行</translation>
    </message>
    <message>
        <source>Train a new run with the same experiment</source>
        <translation>用相同的实验配置训练一个新运行</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Continue an interrupted or stopped run from its last checkpoint</source>
        <translation>从最近的检查点继续被中断或已停止的运行</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop the run this tab is training (it can be resumed)</source>
        <translation>停止此选项卡正在训练的运行（之后可以继续）</translation>
    </message>
    <message>
        <source>Compare…</source>
        <translation>比较…</translation>
    </message>
    <message>
        <source>Curves, samples side by side, and the settings that differ</source>
        <translation>并排比较曲线和生成文本，并列出不同的设置</translation>
    </message>
    <message>
        <source>Cannot open the run library %1: %2</source>
        <translation>无法打开运行记录库 %1：%2</translation>
    </message>
    <message>
        <source>Could not read the library: %1</source>
        <translation>无法读取运行记录库：%1</translation>
    </message>
    <message>
        <source>Load the weights of run %1 (epoch %2) and continue the prefix</source>
        <translation>加载运行 %1（迭代周期 %2）的权重并续写前缀</translation>
    </message>
    <message>
        <source>Open a run first</source>
        <translation>请先打开一个运行</translation>
    </message>
    <message>
        <source>No run %1 in the library</source>
        <translation>运行记录库中没有运行 %1</translation>
    </message>
    <message>
        <source>Could not read run %1: %2</source>
        <translation>无法读取运行 %1：%2</translation>
    </message>
    <message>
        <source>Run %1 is now &quot;%2&quot;</source>
        <translation>运行 %1 已重命名为“%2”</translation>
    </message>
    <message>
        <source>Could not rename run %1: %2</source>
        <translation>无法重命名运行 %1：%2</translation>
    </message>
    <message numerus="yes">
        <source>Tagged %n run(s) &quot;%1&quot;</source>
        <translation>
            <numerusform>已为 %n 个运行添加标签“%1”</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not tag: %1</source>
        <translation>无法添加标签：%1</translation>
    </message>
    <message numerus="yes">
        <source>Removed the tag &quot;%1&quot; from %n run(s)</source>
        <translation>
            <numerusform>已从 %n 个运行中移除标签“%1”</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not untag: %1</source>
        <translation>无法移除标签：%1</translation>
    </message>
    <message>
        <source>Run %1 is training: stop it before deleting it</source>
        <translation>运行 %1 正在训练：请先停止再删除</translation>
    </message>
    <message>
        <source>Run %1 belongs to the sweep in progress: stop the sweep first</source>
        <translation>运行 %1 属于正在进行的扫描：请先停止该扫描</translation>
    </message>
    <message>
        <source>Run %1 is training (here or in another session): stop it first</source>
        <translation>运行 %1 正在训练（在此处或其他会话中）：请先停止它</translation>
    </message>
    <message numerus="yes">
        <source>Deleted %n run(s)</source>
        <translation>
            <numerusform>已删除 %n 个运行</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not delete: %1</source>
        <translation>无法删除：%1</translation>
    </message>
    <message>
        <source>This tab trains one run at a time: stop run %1 first</source>
        <translation>此选项卡一次只训练一个运行：请先停止运行 %1</translation>
    </message>
    <message>
        <source>Re-running run %1 as run %2</source>
        <translation>正在将运行 %1 重新运行为运行 %2</translation>
    </message>
    <message>
        <source>Could not re-run run %1: %2</source>
        <translation>运行 %1 无法重新运行：%2</translation>
    </message>
    <message>
        <source>Run %1 belongs to the sweep in progress, which trains it</source>
        <translation>运行 %1 属于正在进行的扫描，由该扫描负责训练</translation>
    </message>
    <message>
        <source>Resuming run %1 from its checkpoint at epoch %2 of %3</source>
        <translation>正在从检查点（第 %2 / %3 个迭代周期）继续运行 %1</translation>
    </message>
    <message>
        <source>Training run %1 from the start (no checkpoint yet)</source>
        <translation>从头训练运行 %1（尚无检查点）</translation>
    </message>
    <message>
        <source>Could not resume run %1: %2</source>
        <translation>无法继续运行 %1：%2</translation>
    </message>
    <message>
        <source>Stopping run %1…</source>
        <translation>正在停止运行 %1…</translation>
    </message>
    <message numerus="yes">
        <source>Run %1 %2 after %n epoch(s): perplexity %3%4</source>
        <translation>
            <numerusform>运行 %1（%2），共 %n 个迭代周期：困惑度 %3%4</numerusform>
        </translation>
    </message>
    <message>
        <source>Type a prefix to continue</source>
        <translation>请输入要续写的前缀</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Save the selected runs (or every listed run) as a Markdown report with its chart, a CSV table or JSON Lines, as traveller-cli runs export does</source>
        <translation>将选中的运行（未选中时为列出的全部运行）保存为带图表的 Markdown 报告、CSV 表格或 JSON Lines，与 traveller-cli runs export 相同</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n run(s) to %1</source>
        <translation>
            <numerusform>已将 %n 个运行导出到 %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not export: %1</source>
        <translation>无法导出：%1</translation>
    </message>
    <message>
        <source>Diff…</source>
        <translation>差异…</translation>
    </message>
    <message>
        <source>Only the settings that differ, the results&apos; differences, and text each run writes now from one prefix, seed and temperature</source>
        <translation>只列出不同的设置和结果的差值，并让每个运行用同一个前缀、随机种子和温度当场生成文本</translation>
    </message>
    <message>
        <source>Group seeds</source>
        <translation>按随机种子分组</translation>
    </message>
    <message>
        <source>One row and one mean curve with a band for runs that differ only in their seed (or, with Group by…, that agree on the chosen settings): mean ± standard deviation and n</source>
        <translation>只有随机种子不同的运行（或用“分组依据…”选定设置后，在这些设置上一致的运行）合为一行，并画出一条带区间带的均值曲线：均值 ± 标准差和运行数</translation>
    </message>
    <message>
        <source>Group by…</source>
        <translation>分组依据…</translation>
    </message>
    <message>
        <source>Group the runs that agree on the settings ticked here, whatever else differs</source>
        <translation>把在此处勾选的设置上一致的运行分为一组，不论其他设置是否不同</translation>
    </message>
    <message>
        <source>Group by %1</source>
        <translation>按 %1 分组</translation>
    </message>
    <message>
        <source>Only the seed differs</source>
        <translation>只有随机种子不同</translation>
    </message>
    <message>
        <source>Could not group the runs: %1</source>
        <translation>无法为运行分组：%1</translation>
    </message>
    <message>
        <source>Save the chart as .png, .svg or .csv, not &apos;%1&apos;</source>
        <translation>请将图表保存为 .png、.svg 或 .csv，而不是“%1”</translation>
    </message>
    <message>
        <source>Saved the chart to %1</source>
        <translation>已将图表保存到 %1</translation>
    </message>
    <message>
        <source>Could not write %1</source>
        <translation>无法写入 %1</translation>
    </message>
    <message>
        <source>Continuing run %1 from epoch %2 to epoch %3</source>
        <translation>继续训练运行 %1：从第 %2 个迭代周期到第 %3 个迭代周期</translation>
    </message>
    <message>
        <source>Could not continue run %1: %2</source>
        <translation>无法继续训练运行 %1：%2</translation>
    </message>
    <message>
        <source>Run %1 forks run %2 at epoch %3 and trains</source>
        <translation>运行 %1 在第 %3 个迭代周期从运行 %2 分叉，开始训练</translation>
    </message>
    <message>
        <source>Could not fork run %1: %2</source>
        <translation>无法分叉运行 %1：%2</translation>
    </message>
    <message>
        <source>Fork run %1 from here (epoch %2)…</source>
        <translation>从这里（第 %2 个迭代周期）分叉运行 %1…</translation>
    </message>
    <message>
        <source>Continue run %1…</source>
        <translation>继续训练运行 %1…</translation>
    </message>
    <message>
        <source>Continue…</source>
        <translation>继续训练…</translation>
    </message>
    <message>
        <source>Train a finished or stopped run more epochs as the same run: its curve goes on</source>
        <translation>把已完成或已停止的运行作为同一个运行再多训练几个迭代周期：曲线接着画下去</translation>
    </message>
    <message>
        <source>Fork…</source>
        <translation>分叉…</translation>
    </message>
    <message>
        <source>Start a new run from the weights this run kept at an epoch, with other settings from there on (also: right-click its curve)</source>
        <translation>从该运行在某个迭代周期保留的权重开始一个新运行，此后使用其他设置（也可右键点击它的曲线）</translation>
    </message>
    <message>
        <source>%1 forked from them: they stay, with their own epochs, and will say where they started.</source>
        <translation>%1 是从它们分叉出来的：这些运行会保留，带着自己各迭代周期的记录，并注明从哪里开始。</translation>
    </message>
    <message>
        <source>Every word must match: free text (name, tag, status, note, any column); tag:lab or #lab; note:word; a setting compared, e.g. cell=gru lr&lt;1 hidden&gt;=256 epochs&gt;100 status=finished; family:3 (run 3, the run it forked from and its forks). The same filter as traveller-cli runs list --where.</source>
        <translation>每个词都须匹配：自由文本（名称、标签、状态、笔记、任意列）；tag:lab 或 #lab；note:词；比较一个设置，例如 cell=gru lr&lt;1 hidden&gt;=256 epochs&gt;100 status=finished；family:3（运行 3、它分叉自的运行及其分叉）。与 traveller-cli runs list --where 的筛选相同。</translation>
    </message>
    <message>
        <source>Filter: text, tag:lab, cell=gru lr&lt;1, note:…</source>
        <translation>筛选：文本、tag:lab、cell=gru lr&lt;1、note:…</translation>
    </message>
    <message>
        <source>Note kept</source>
        <translation>笔记已保存</translation>
    </message>
    <message>
        <source>Could not keep the note: %1</source>
        <translation>无法保存这条笔记：%1</translation>
    </message>
    <message>
        <source>Parallel…</source>
        <translation>平行坐标…</translation>
    </message>
    <message>
        <source>Parallel coordinates of the selected (or listed) runs, and which setting matters; drag along an axis to filter the table</source>
        <translation>所选（或列出的）运行的平行坐标图，以及哪个设置要紧；沿坐标轴拖动可筛选表格</translation>
    </message>
    <message>
        <source>Parallel coordinates need two language-model runs or more</source>
        <translation>平行坐标图需要至少两个语言模型运行</translation>
    </message>
    <message>
        <source>Could not draw the runs: %1</source>
        <translation>无法绘制这些运行：%1</translation>
    </message>
</context>
<context>
    <name>traveller::ui::SamplesView</name>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Epoch</source>
        <translation>迭代周期</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>生成文本</translation>
    </message>
    <message>
        <source>Regenerated</source>
        <translation>重新生成结果</translation>
    </message>
    <message>
        <source>Text every run continues</source>
        <translation>每个运行都要续写的文本</translation>
    </message>
    <message>
        <source>greedy</source>
        <translation>贪心</translation>
    </message>
    <message>
        <source>0 = greedy argmax (the book); above 0 samples from softmax(logits / T)</source>
        <translation>0 = 贪心 argmax（同书中）；大于 0 时从 softmax(logits / T) 中采样</translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> 个词元</translation>
    </message>
    <message>
        <source>Regenerate all</source>
        <translation>全部重新生成</translation>
    </message>
    <message>
        <source>Continue the prefix with every run&apos;s latest weights</source>
        <translation>用每个运行的最新权重续写前缀</translation>
    </message>
    <message>
        <source>Prefix</source>
        <translation>前缀</translation>
    </message>
    <message>
        <source>T</source>
        <translation>T</translation>
    </message>
    <message>
        <source>Timeline: select a run</source>
        <translation>时间线：请选择一个运行</translation>
    </message>
    <message>
        <source>(waiting for the first sample)</source>
        <translation>（等待第一个生成文本）</translation>
    </message>
    <message>
        <source>prefix &quot;%1&quot;</source>
        <translation>前缀“%1”</translation>
    </message>
    <message>
        <source>Timeline of %1: its continuation at every sample interval</source>
        <translation>%1 的时间线：每个采样间隔的续写结果</translation>
    </message>
</context>
<context>
    <name>traveller::ui::SaveLessonDialog</name>
    <message>
        <source>Preset menu</source>
        <translation>预设菜单</translation>
    </message>
    <message>
        <source>More settings</source>
        <translation>更多设置</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续训练</translation>
    </message>
    <message>
        <source>Sampling temperature</source>
        <translation>采样温度</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <source>Gradient norm chart</source>
        <translation>梯度范数图</translation>
    </message>
    <message>
        <source>Translate: more settings</source>
        <translation>翻译：更多设置</translation>
    </message>
    <message>
        <source>Lens: find units</source>
        <translation>透镜：查找单元</translation>
    </message>
    <message>
        <source>File → Open experiment…</source>
        <translation>文件 → 打开实验…</translation>
    </message>
    <message>
        <source>File → Save experiment…</source>
        <translation>文件 → 保存实验…</translation>
    </message>
    <message>
        <source>File → Open lesson…</source>
        <translation>文件 → 打开课程…</translation>
    </message>
    <message>
        <source>View → Presentation mode</source>
        <translation>视图 → 演示模式</translation>
    </message>
    <message>
        <source>Language model</source>
        <translation>语言模型</translation>
    </message>
    <message>
        <source>Translate</source>
        <translation>翻译</translation>
    </message>
    <message>
        <source>Sweeps</source>
        <translation>扫描</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>运行记录</translation>
    </message>
    <message>
        <source>Lens</source>
        <translation>透镜</translation>
    </message>
    <message>
        <source>Lab</source>
        <translation>实验</translation>
    </message>
    <message>
        <source>Save as lesson</source>
        <translation>另存为课程</translation>
    </message>
    <message>
        <source>Start in presentation mode</source>
        <translation>以演示模式开始</translation>
    </message>
    <message>
        <source>Add step</source>
        <translation>添加步骤</translation>
    </message>
    <message>
        <source>Remove step</source>
        <translation>删除步骤</translation>
    </message>
    <message>
        <source>Title (English):</source>
        <translation>标题（英文）：</translation>
    </message>
    <message>
        <source>Title (中文):</source>
        <translation>标题（中文）：</translation>
    </message>
    <message>
        <source>Steps:</source>
        <translation>步骤：</translation>
    </message>
    <message>
        <source>Step title (English):</source>
        <translation>步骤标题（英文）：</translation>
    </message>
    <message>
        <source>Step title (中文):</source>
        <translation>步骤标题（中文）：</translation>
    </message>
    <message>
        <source>Text (English):</source>
        <translation>说明文字（英文）：</translation>
    </message>
    <message>
        <source>Text (中文):</source>
        <translation>说明文字（中文）：</translation>
    </message>
    <message>
        <source>Question (English):</source>
        <translation>问题（英文）：</translation>
    </message>
    <message>
        <source>Question (中文):</source>
        <translation>问题（中文）：</translation>
    </message>
    <message>
        <source>Tabs shown</source>
        <translation>显示的标签页</translation>
    </message>
    <message numerus="yes">
        <source>Fix the Language model form&apos;s settings (%n changed)</source>
        <translation>
            <numerusform>固定语言模型表单的设置（改动了 %n 项）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Run this step trains the window&apos;s runs (%n)</source>
        <translation>
            <numerusform>“运行此步骤”训练此窗口中的运行（%n 个）</numerusform>
        </translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>隐藏</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Lessons (*.traveller-lesson)</source>
        <translation>课程 (*.traveller-lesson)</translation>
    </message>
</context>
<context>
    <name>traveller::ui::Status</name>
    <message>
        <source>planned</source>
        <translation>计划中</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>diverged</source>
        <translation>已发散</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>not started</source>
        <translation>未开始</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>blew up, trained on</source>
        <translation>发散后继续训练</translation>
    </message>
</context>
<context>
    <name>traveller::ui::SteerBar</name>
    <message>
        <source>While it trains:</source>
        <translation>训练中调整：</translation>
    </message>
    <message>
        <source>lr</source>
        <translation>学习率（lr）</translation>
    </message>
    <message>
        <source>clip</source>
        <translation>裁剪阈值</translation>
    </message>
    <message>
        <source>epochs</source>
        <translation>训练到</translation>
    </message>
    <message>
        <source>T</source>
        <translation>温度 T</translation>
    </message>
    <message>
        <source>Learning rate: the change lands before the next batch</source>
        <translation>学习率：修改在下一个批量之前生效</translation>
    </message>
    <message>
        <source>Gradient clipping threshold (0 = off)</source>
        <translation>梯度裁剪阈值（0 = 关闭）</translation>
    </message>
    <message>
        <source>Train to this epoch: more extends the run, fewer ends it sooner</source>
        <translation>训练到这个迭代周期：更多会延长这次运行，更少会让它提前结束</translation>
    </message>
    <message>
        <source>Temperature of the live samples (0 = the likeliest character)</source>
        <translation>实时生成文本的温度（0 = 概率最大的字符）</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>Change the run in training; every change is kept with the run and can be replayed</source>
        <translation>修改正在训练的运行；每次修改都随运行保存，可以重放</translation>
    </message>
    <message>
        <source>Sent: it lands before the next batch</source>
        <translation>已发送：将在下一个批量之前生效</translation>
    </message>
</context>
<context>
    <name>traveller::ui::SweepResults</name>
    <message>
        <source>Filter: text in any column (e.g. diverged, 0.1)</source>
        <translation>筛选：任意列中的文本（如 已发散、0.1）</translation>
    </message>
    <message>
        <source>Select runs to compare their curves; click a header to sort</source>
        <translation>选择运行以比较其曲线；点击表头可排序</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>迭代周期</translation>
    </message>
    <message>
        <source>perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <source>Perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <source>%1
epoch %2: perplexity %3</source>
        <translation>%1
迭代周期 %2：困惑度 %3</translation>
    </message>
    <message>
        <source>Whole sweep…</source>
        <translation>整个扫描…</translation>
    </message>
    <message>
        <source>Selected runs…</source>
        <translation>所选运行…</translation>
    </message>
    <message>
        <source>CSV</source>
        <translation>CSV</translation>
    </message>
    <message>
        <source>Export runs as CSV</source>
        <translation>将运行导出为 CSV</translation>
    </message>
    <message>
        <source>CSV table (*.csv)</source>
        <translation>CSV 表格 (*.csv)</translation>
    </message>
    <message>
        <source>Markdown report</source>
        <translation>Markdown 报告</translation>
    </message>
    <message>
        <source>Export a Markdown report</source>
        <translation>导出 Markdown 报告</translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <source>The table, a perplexity chart (SVG beside the .md) and every run&apos;s samples</source>
        <translation>表格、困惑度图表（SVG 文件与 .md 放在同一目录）以及每个运行的生成文本</translation>
    </message>
    <message>
        <source>Log scale</source>
        <translation>对数坐标</translation>
    </message>
    <message>
        <source>Export:</source>
        <translation>导出：</translation>
    </message>
    <message numerus="yes">
        <source>Perplexity — %n selected run(s)</source>
        <translation>
            <numerusform>困惑度 — 已选 %n 个运行</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Perplexity — all runs but %n diverged (select rows to choose)</source>
        <translation>
            <numerusform>困惑度 — 除 %n 个发散运行外的所有运行（选择行可自行挑选）</numerusform>
        </translation>
    </message>
    <message>
        <source>Perplexity — all runs (select rows to compare a few)</source>
        <translation>困惑度 — 所有运行（选择行可只比较其中几个）</translation>
    </message>
</context>
<context>
    <name>traveller::ui::SweepsClusterView</name>
    <message>
        <source>Submit to Slurm…</source>
        <translation>提交到 Slurm…</translation>
    </message>
    <message>
        <source>Import ended runs</source>
        <translation>导入已结束的运行</translation>
    </message>
    <message>
        <source>Copy the cluster runs that have ended into the run library now (the import job does it when every run has ended; importing twice changes nothing)</source>
        <translation>现在就把集群上已结束的运行复制到运行记录库（所有运行结束时导入作业也会这样做；重复导入不会改变任何内容）</translation>
    </message>
    <message>
        <source>Submit the sweep to a Slurm cluster as job arrays, one task per run; the table follows the tasks and fills in from the imported runs</source>
        <translation>将扫描作为作业数组提交到 Slurm 集群，每个运行一个任务；表格会跟踪这些任务，并用导入的运行填充</translation>
    </message>
    <message>
        <source>sbatch is not on the PATH: this machine cannot submit to a Slurm cluster</source>
        <translation>PATH 中没有 sbatch：本机无法向 Slurm 集群提交作业</translation>
    </message>
    <message>
        <source>Cannot submit: traveller-cli is neither beside this program nor on the PATH, and the array tasks run it</source>
        <translation>无法提交：traveller-cli 既不在本程序旁边，也不在 PATH 中，而数组任务需要运行它</translation>
    </message>
    <message>
        <source>%1: %2 run(s) submitted as job array(s) %3, import job %4; run folder %5</source>
        <translation>%1：%2 个运行已作为作业数组 %3 提交，导入作业 %4；运行文件夹 %5</translation>
    </message>
    <message>
        <source>. The run library is on a network filesystem (%1): SQLite&apos;s locking is unreliable there; keep other Traveller windows off it while the import job runs</source>
        <translation>。运行记录库位于网络文件系统（%1）上：SQLite 的文件锁在那里并不可靠；导入作业运行期间，请勿让其他 Traveller 窗口使用该运行记录库</translation>
    </message>
    <message>
        <source>Not submitted</source>
        <translation>未提交</translation>
    </message>
    <message>
        <source>The run folder %1 holds sweep &apos;%2&apos;, not the sweep loaded here</source>
        <translation>运行文件夹 %1 中是扫描“%2”，不是此处加载的扫描</translation>
    </message>
    <message>
        <source>Cannot follow %1</source>
        <translation>无法跟踪 %1</translation>
    </message>
    <message>
        <source>Cannot read the cluster sweep: %1</source>
        <translation>无法读取集群扫描：%1</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 个%2</translation>
    </message>
    <message>
        <source>Slurm: %1; %2 of %3 imported into the library</source>
        <translation>Slurm：%1；%3 个中已有 %2 个导入运行记录库</translation>
    </message>
    <message>
        <source> · import job: %1</source>
        <translation> · 导入作业：%1</translation>
    </message>
    <message>
        <source>%1 run(s) imported; %2 refused: %3</source>
        <translation>已导入 %1 个运行；拒绝了 %2 个：%3</translation>
    </message>
    <message>
        <source>%1 run(s) imported, %2 already in the library, %3 not ended yet</source>
        <translation>已导入 %1 个运行，%2 个已在运行记录库中，%3 个尚未结束</translation>
    </message>
    <message>
        <source>Import failed</source>
        <translation>导入失败</translation>
    </message>
    <message>
        <source>Cannot open the run library %1: %2</source>
        <translation>无法打开运行记录库 %1：%2</translation>
    </message>
</context>
<context>
    <name>traveller::ui::SweepsPanel</name>
    <message>
        <source>Sweeps shipped with Traveller (resources/presets/sweeps)</source>
        <translation>Traveller 自带的扫描（resources/presets/sweeps）</translation>
    </message>
    <message>
        <source>(choose a sweep)</source>
        <translation>（选择扫描）</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <source>Open sweep</source>
        <translation>打开扫描</translation>
    </message>
    <message>
        <source>Sweeps (*.yaml *.yml)</source>
        <translation>扫描文件 (*.yaml *.yml)</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Runs trained at the same time. Auto: two single-threaded runs for a CPU sweep on two or more cores (measured faster than one run on every core), one at a time on a GPU.</source>
        <translation>同时训练的运行数。自动：在两个或更多核心上进行 CPU 扫描时同时训练两个单线程运行（实测比一个运行占用所有核心更快）；在 GPU 上一次一个。</translation>
    </message>
    <message>
        <source>As in the sweep</source>
        <translation>按扫描设置</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop every run within one batch; runs not started stay queued in the library</source>
        <translation>在一个批量内停止所有运行；尚未开始的运行仍留在运行记录库的队列中</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>Show the sweep file: change the grid&apos;s values, add set: {train.epochs: 50} to override the base, then Apply; Save as… writes it as a sweep file</source>
        <translation>显示扫描文件：修改 grid 中的取值，添加 set: {train.epochs: 50} 以覆盖 base 设置，然后点击“应用”；“另存为…”会将其保存为扫描文件</translation>
    </message>
    <message>
        <source>name: my-sweep
base: book-rnn.yaml
set: {train.epochs: 50}
grid:
  train.lr: [0.1, 1]</source>
        <translation>name: my-sweep
base: book-rnn.yaml
set: {train.epochs: 50}
grid:
  train.lr: [0.1, 1]</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>Read the text as the sweep to start (errors name their line and column)</source>
        <translation>将文本读取为要启动的扫描（出错时会指出所在的行和列）</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <source>Save sweep</source>
        <translation>保存扫描</translation>
    </message>
    <message>
        <source>Sweeps (*.yaml)</source>
        <translation>扫描文件 (*.yaml)</translation>
    </message>
    <message>
        <source>Sweep:</source>
        <translation>扫描：</translation>
    </message>
    <message>
        <source>Runs at once:</source>
        <translation>同时运行数：</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <source>Choose a sweep preset or open a sweep file (YAML: base, grid and/or variants).</source>
        <translation>选择一个扫描预设，或打开扫描文件（YAML：base、grid 和/或 variants）。</translation>
    </message>
    <message>
        <source>A sweep is running: stop it before loading another</source>
        <translation>有扫描正在运行：请先停止再加载其他扫描</translation>
    </message>
    <message>
        <source>Could not load the sweep</source>
        <translation>无法加载扫描</translation>
    </message>
    <message numerus="yes">
        <source>Applied: %n run(s) ready to start</source>
        <translation>
            <numerusform>已应用：%n 个运行可以开始</numerusform>
        </translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation>未保存</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source>A sweep is running</source>
        <translation>有扫描正在运行</translation>
    </message>
    <message>
        <source>Load a sweep first</source>
        <translation>请先加载扫描</translation>
    </message>
    <message>
        <source>Not set</source>
        <translation>无法设置</translation>
    </message>
    <message>
        <source>no swept keys</source>
        <translation>无扫描键</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; — %2 run(s) varying %3; base: %4. From %5</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; — %2 个运行，改变 %3；基准配置：%4。来源：%5</translation>
    </message>
    <message>
        <source>Cannot open the run library %1: %2</source>
        <translation>无法打开运行记录库 %1：%2</translation>
    </message>
    <message>
        <source>Not started</source>
        <translation>未启动</translation>
    </message>
    <message>
        <source>%1: %2 run(s), %3 at a time; recording into %4 (runs %5–%6)</source>
        <translation>%1：%2 个运行，每次同时 %3 个；记录到 %4（运行 %5–%6）</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1 stopped after %2: %3 finished</source>
        <translation>%1 在 %2 后停止：%3 个已完成</translation>
    </message>
    <message>
        <source>%1 finished in %2: %3 finished</source>
        <translation>%1 用时 %2 完成：%3 个已完成</translation>
    </message>
    <message>
        <source>, %1 diverged</source>
        <translation>，%1 个发散</translation>
    </message>
    <message>
        <source>, %1 failed (%2)</source>
        <translation>，%1 个失败（%2）</translation>
    </message>
    <message>
        <source>, %1 stopped</source>
        <translation>，%1 个已停止</translation>
    </message>
    <message>
        <source>, %1 not started (resume them from the Runs tab)</source>
        <translation>，%1 个未开始（可在“运行记录”标签页中继续）</translation>
    </message>
    <message>
        <source>. Error: %1</source>
        <translation>。错误：%1</translation>
    </message>
    <message>
        <source>Select the runs to export first</source>
        <translation>请先选择要导出的运行</translation>
    </message>
    <message>
        <source>No recorded runs to export</source>
        <translation>没有可导出的已记录运行</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n run(s) to %1</source>
        <translation>
            <numerusform>已将 %n 个运行导出到 %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not export</source>
        <translation>无法导出</translation>
    </message>
    <message>
        <source>Wrote %1 and its chart %2</source>
        <translation>已写入 %1 及其图表 %2</translation>
    </message>
    <message>
        <source>Could not write the report</source>
        <translation>无法写入报告</translation>
    </message>
    <message>
        <source>Submit to Slurm</source>
        <translation>提交到 Slurm</translation>
    </message>
    <message>
        <source>the cluster&apos;s default</source>
        <translation>集群默认值</translation>
    </message>
    <message>
        <source>the partition&apos;s limit, e.g. 2:00:00</source>
        <translation>分区的时限，例如 2:00:00</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>&lt;library&gt;/slurm/… (every node must see it)</source>
        <translation>&lt;运行记录库&gt;/slurm/…（每个节点都必须能访问）</translation>
    </message>
    <message>
        <source>Partition:</source>
        <translation>分区：</translation>
    </message>
    <message>
        <source>Time limit per run:</source>
        <translation>每个运行的时限：</translation>
    </message>
    <message>
        <source>CPUs per run:</source>
        <translation>每个运行的 CPU 数：</translation>
    </message>
    <message>
        <source>GPUs per run:</source>
        <translation>每个运行的 GPU 数：</translation>
    </message>
    <message>
        <source>Runs at once (per epoch level):</source>
        <translation>同时运行数（每个迭代周期层级）：</translation>
    </message>
    <message>
        <source>Run folder:</source>
        <translation>运行文件夹：</translation>
    </message>
    <message numerus="yes">
        <source>%n run(s), one array task each. Each task writes only its own folder; an import job copies the runs into the run library when all have ended. A requeued task resumes from its checkpoint.</source>
        <translation>
            <numerusform>%n 个运行，每个对应一个数组任务。每个任务只写自己的文件夹；全部结束后，导入作业把这些运行复制到运行记录库。重新排队的任务会从检查点继续。</numerusform>
        </translation>
    </message>
    <message>
        <source>Submit</source>
        <translation>提交</translation>
    </message>
</context>
<context>
    <name>traveller::ui::TrainingWorker</name>
    <message>
        <source>(no model: the run did not start)</source>
        <translation>（无模型：运行未启动）</translation>
    </message>
    <message>
        <source>(could not generate: %1)</source>
        <translation>（无法生成：%1）</translation>
    </message>
    <message>
        <source>not recorded in the run library: %1</source>
        <translation>未记录到运行记录库：%1</translation>
    </message>
</context>
<context>
    <name>traveller::ui::TranslatePanel</name>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>迭代周期</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>Type an English sentence, e.g. &quot;i&apos;m home .&quot;</source>
        <translation>输入一个英语句子，例如“i&apos;m home .”</translation>
    </message>
    <message>
        <source>Translate</source>
        <translation>翻译</translation>
    </message>
    <message>
        <source>Translate a sentence</source>
        <translation>翻译一个句子</translation>
    </message>
    <message>
        <source>Attention</source>
        <translation>注意力</translation>
    </message>
    <message>
        <source>Decoder&apos;s choices</source>
        <translation>解码器的选择</translation>
    </message>
    <message numerus="yes">
        <source>%1, %n training pair(s)</source>
        <translation>
            <numerusform>%1，%n 个训练句对</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Train: %1, %n epoch(s): the book&apos;s settings.</source>
        <translation>
            <numerusform>训练：%1，%n 个迭代周期：与书中设置相同。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Train: %1, %n epoch(s); differs from the book in %2.</source>
        <translation>
            <numerusform>训练：%1，%n 个迭代周期；与书中不同之处：%2。</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot train: %1</source>
        <translation>无法训练：%1</translation>
    </message>
    <message>
        <source>No run library to open run %1 from</source>
        <translation>没有可用于打开运行 %1 的运行记录库</translation>
    </message>
    <message>
        <source>run %1 has no stored weights</source>
        <translation>运行 %1 没有保存的权重</translation>
    </message>
    <message>
        <source>Loading run %1 from the library…</source>
        <translation>正在从运行记录库加载运行 %1…</translation>
    </message>
    <message>
        <source>Could not open run %1: %2</source>
        <translation>无法打开运行 %1：%2</translation>
    </message>
    <message>
        <source>Loading the corpus and building the model…</source>
        <translation>正在加载语料并构建模型…</translation>
    </message>
    <message>
        <source>Stopping after this batch…</source>
        <translation>将在此批量结束后停止…</translation>
    </message>
    <message>
        <source>Training: %1</source>
        <translation>训练中：%1</translation>
    </message>
    <message>
        <source>Training: %1; %2</source>
        <translation>训练中：%1；%2</translation>
    </message>
    <message>
        <source>Epoch %1 / %2: loss %3, %4 tokens/s</source>
        <translation>迭代周期 %1 / %2：损失 %3，%4 词元/秒</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message numerus="yes">
        <source>%1 after %n epoch(s) in %2 s on %3: loss %4</source>
        <translation>
            <numerusform>%1（%n 个迭代周期，在 %3 上用时 %2 s）：损失 %4</numerusform>
        </translation>
    </message>
    <message>
        <source>Run %1 of the library, reopened (%2). Type a sentence to translate it with its weights.</source>
        <translation>已重新打开运行记录库中的运行 %1（%2）。输入一个句子，即可用其权重进行翻译。</translation>
    </message>
    <message>
        <source>; saved as run %1 in the Runs tab</source>
        <translation>；已在“运行记录”标签页中保存为运行 %1</translation>
    </message>
    <message>
        <source>Training failed: %1</source>
        <translation>训练失败：%1</translation>
    </message>
    <message>
        <source>Train a model first; translations use its weights.</source>
        <translation>请先训练模型；翻译将使用其权重。</translation>
    </message>
    <message>
        <source>Beam search, width %1: log P = %2</source>
        <translation>束搜索，束宽 %1：log P = %2</translation>
    </message>
    <message>
        <source>Greedy decoding: log P = %1</source>
        <translation>贪心解码：log P = %1</translation>
    </message>
    <message>
        <source>Not in the vocabulary (read as &lt;unk&gt;): %1. The model learned only the words of its training pairs.</source>
        <translation>不在词表中（按 &lt;unk&gt; 读取）：%1。模型只学过其训练句对中的词。</translation>
    </message>
</context>
<context>
    <name>traveller::ui::TranslateResults</name>
    <message>
        <source>source words</source>
        <translation>源句词数</translation>
    </message>
    <message>
        <source>BLEU</source>
        <translation>BLEU</translation>
    </message>
    <message>
        <source>Held-out BLEU by sentence length</source>
        <translation>按句子长度统计的留出集 BLEU</translation>
    </message>
    <message>
        <source>corpus BLEU-4</source>
        <translation>语料级 BLEU-4</translation>
    </message>
    <message>
        <source>mean sentence BLEU</source>
        <translation>句子级 BLEU 均值</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英语</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>参考译文</translation>
    </message>
    <message>
        <source>Select a row to see its attention weights</source>
        <translation>选择一行以查看其注意力权重</translation>
    </message>
    <message>
        <source>Held-out BLEU: computed when training ends.</source>
        <translation>留出集 BLEU：训练结束时计算。</translation>
    </message>
    <message>
        <source>Held-out BLEU: train a model to see it.</source>
        <translation>留出集 BLEU：训练模型后即可查看。</translation>
    </message>
    <message>
        <source>Held-out corpus BLEU-4: %1 over %2 pairs not used for training</source>
        <translation>留出集语料级 BLEU-4：%1（基于 %2 个未参与训练的句对）</translation>
    </message>
    <message>
        <source>Held-out BLEU: no held-out pairs (data.heldout is 0).</source>
        <translation>留出集 BLEU：没有留出句对（data.heldout 为 0）。</translation>
    </message>
</context>
<context>
    <name>traveller::ui::TranslateSteer</name>
    <message>
        <source>lr</source>
        <translation>学习率（lr）</translation>
    </message>
    <message>
        <source>clip</source>
        <translation>裁剪阈值</translation>
    </message>
    <message>
        <source>forcing</source>
        <translation>强制教学</translation>
    </message>
    <message>
        <source>epochs</source>
        <translation>训练到</translation>
    </message>
    <message>
        <source>Learning rate: the change lands before the next batch</source>
        <translation>学习率：修改在下一个批量之前生效</translation>
    </message>
    <message>
        <source>Gradient clipping threshold (0 = off)</source>
        <translation>梯度裁剪阈值（0 = 关闭）</translation>
    </message>
    <message>
        <source>Teacher forcing: the share of decoder inputs taken from the reference (1 = the book)</source>
        <translation>强制教学：解码器输入取自参考译文的比例（1 = 书中的做法）</translation>
    </message>
    <message>
        <source>Train to this epoch: more extends the run, fewer ends it sooner</source>
        <translation>训练到这个迭代周期：更多会延长这次运行，更少会让它提前结束</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>Change the run in training; every change is kept with the run</source>
        <translation>修改正在训练的运行；每次修改都随运行保存</translation>
    </message>
    <message>
        <source>Sent: it lands before the next batch</source>
        <translation>已发送：将在下一个批量之前生效</translation>
    </message>
</context>
<context>
    <name>traveller::ui::TranslationForm</name>
    <message>
        <source>Cell</source>
        <translation>单元类型</translation>
    </message>
    <message>
        <source>Bahdanau attention</source>
        <translation>Bahdanau 注意力</translation>
    </message>
    <message>
        <source>Hidden units</source>
        <translation>隐藏单元数</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>迭代周期数</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Training pairs</source>
        <translation>训练句对数</translation>
    </message>
    <message>
        <source>Beam size</source>
        <translation>束宽</translation>
    </message>
    <message>
        <source>Run name</source>
        <translation>运行名称</translation>
    </message>
    <message>
        <source>Plain decoder&apos;s context</source>
        <translation>普通解码器的上下文</translation>
    </message>
    <message>
        <source>Embedding size</source>
        <translation>嵌入维度</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>层数</translation>
    </message>
    <message>
        <source>Dropout</source>
        <translation>暂退概率</translation>
    </message>
    <message>
        <source>Implementation</source>
        <translation>实现</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批量大小</translation>
    </message>
    <message>
        <source>Clipping (0 = off)</source>
        <translation>梯度裁剪（0 = 关闭）</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>CPU threads (0 = all)</source>
        <translation>CPU 线程数（0 = 全部）</translation>
    </message>
    <message>
        <source>Report every (epochs)</source>
        <translation>报告间隔（迭代周期数）</translation>
    </message>
    <message>
        <source>Masked loss (the book)</source>
        <translation>带遮蔽的损失（同书中）</translation>
    </message>
    <message>
        <source>Teacher forcing</source>
        <translation>强制教学概率</translation>
    </message>
    <message>
        <source>Corpus</source>
        <translation>语料</translation>
    </message>
    <message>
        <source>One line more (the book&apos;s loop)</source>
        <translation>多读一行（同书中的循环）</translation>
    </message>
    <message>
        <source>Steps per sentence</source>
        <translation>每句时间步数</translation>
    </message>
    <message>
        <source>Minimum word count</source>
        <translation>最低词频</translation>
    </message>
    <message>
        <source>Held-out pairs</source>
        <translation>留出集句对数</translation>
    </message>
    <message>
        <source>Length penalty</source>
        <translation>长度惩罚</translation>
    </message>
    <message>
        <source>BLEU n-gram order</source>
        <translation>BLEU 的 n 元语法最高阶数</translation>
    </message>
    <message>
        <source>the book&apos;s (latest state)</source>
        <translation>书中的（最新状态）</translation>
    </message>
    <message>
        <source>the encoder&apos;s final state</source>
        <translation>编码器的最终状态</translation>
    </message>
    <message>
        <source>fused (fast CPU)</source>
        <translation>融合算子（CPU 快速）</translation>
    </message>
    <message>
        <source>built-in</source>
        <translation>内置</translation>
    </message>
    <message numerus="yes">
        <source>More settings (%n changed)</source>
        <translation>
            <numerusform>更多设置（%n 项已更改）</numerusform>
        </translation>
    </message>
    <message>
        <source>More settings</source>
        <translation>更多设置</translation>
    </message>
</context>
<context>
    <name>traveller::ui::TranslationWorker</name>
    <message>
        <source>%1 on %2: %3 parameters, %4 training pairs, vocab %5 / %6</source>
        <translation>%1 在 %2 上：%3 个参数，%4 个训练句对，词表大小 %5 / %6</translation>
    </message>
    <message>
        <source>not recorded in the run library: %1</source>
        <translation>未记录到运行记录库：%1</translation>
    </message>
    <message>
        <source>Configuration: %1</source>
        <translation>配置：%1</translation>
    </message>
    <message>
        <source>Corpus: %1</source>
        <translation>语料：%1</translation>
    </message>
    <message>
        <source>No model: train one first.</source>
        <translation>没有模型：请先训练一个。</translation>
    </message>
</context>
</TS>
