// The catalogue of the core's user-facing message templates (Messages.h).
// QT_TRANSLATE_NOOP only marks each template for Qt's lupdate (the window's
// translation table); the core has no Qt and the macro is the text itself.
#include "traveller/core/Messages.h"

#include <algorithm>
#include <map>
#include <regex>
#include <stdexcept>

#ifndef QT_TRANSLATE_NOOP
#define QT_TRANSLATE_NOOP(context, text) text
#endif

namespace traveller {

namespace {

const std::vector<MessageTemplate> kCatalogue = {
    // Training: divergence (TrainingLoop, LmSession)
    {"train.diverged", QT_TRANSLATE_NOOP("traveller::CoreMessages", "diverged at epoch {0}: {1} ({2} is too high?)")},
    {"train.loss_nan", QT_TRANSLATE_NOOP("traveller::CoreMessages", "the loss became NaN")},
    {"train.loss_inf", QT_TRANSLATE_NOOP("traveller::CoreMessages", "the loss became infinite")},
    {"train.grad_nan", QT_TRANSLATE_NOOP("traveller::CoreMessages", "the gradient norm became NaN")},
    {"train.grad_inf", QT_TRANSLATE_NOOP("traveller::CoreMessages", "the gradient norm became infinite")},
    {"train.learning_rate", QT_TRANSLATE_NOOP("traveller::CoreMessages", "learning rate {0}")},
    {"train.perplexity_limit", QT_TRANSLATE_NOOP("traveller::CoreMessages", "perplexity {0} exceeds {1}, {2} x the vocabulary size")},
    {"train.blew_up", QT_TRANSLATE_NOOP("traveller::CoreMessages", "blew up at epoch {0}: {1}; training continued (train.on_divergence: continue)")},
    {"train.not_live", QT_TRANSLATE_NOOP("traveller::CoreMessages", "cannot change while the run trains; these can: {0}")},
    {"train.epochs_below", QT_TRANSLATE_NOOP("traveller::CoreMessages", "the run is at epoch {0} already: train.epochs {1} would end it in the past")},
    {"train.setting_changed", QT_TRANSLATE_NOOP("traveller::CoreMessages", "{0}: {1} → {2} at epoch {3}, batch {4}")},
    {"schedule.expected_list", QT_TRANSLATE_NOOP("traveller::CoreMessages", "expected a list of {epoch: E, batch: B, set: {key: value}}")},
    {"schedule.expected_entry", QT_TRANSLATE_NOOP("traveller::CoreMessages", "expected {epoch: E, batch: B (optional), set: {key: value}}")},
    {"schedule.batch_beyond", QT_TRANSLATE_NOOP("traveller::CoreMessages", "batch {0} is beyond an epoch's {1} batches (0 is the first)")},
    {"schedule.beyond_epochs", QT_TRANSLATE_NOOP("traveller::CoreMessages", "epoch {0} is beyond the run's {1} epochs")},
    {"train.detach_random", QT_TRANSLATE_NOOP("traveller::CoreMessages", "false needs data.sampling: sequential (random batches start from a zero state, so "
                             "there is nothing to carry)")},
    {"train.detach_too_big", QT_TRANSLATE_NOOP("traveller::CoreMessages", "false keeps the whole epoch's graph: {0} time steps x {1} streams, about {2} GiB, "
                              "over the limit of {3} GiB; use fewer data.max_tokens or a smaller model")},
    // Devices (LmSession, TranslationSession)
    {"device.unknown", QT_TRANSLATE_NOOP("traveller::CoreMessages", "unknown device '{0}': use cpu, cuda, cuda:N or auto")},
    {"device.no_cuda_build", QT_TRANSLATE_NOOP("traveller::CoreMessages", "device {0} requested, but this LibTorch build has no CUDA support (Debian's libtorch "
                              "is CPU-only); use --device cpu, or build against a CUDA LibTorch")},
    {"device.no_gpu", QT_TRANSLATE_NOOP("traveller::CoreMessages", "device {0} requested, but no CUDA GPU is visible (check the driver and "
                       "CUDA_VISIBLE_DEVICES); use --device cpu")},
    {"device.index", QT_TRANSLATE_NOOP("traveller::CoreMessages", "device {0} requested, but only {1} CUDA GPU(s) are visible ({2})")},
    {"train.bf16_unavailable", QT_TRANSLATE_NOOP("traveller::CoreMessages", "bf16 needs a CPU with AVX512-BF16 or AMX, and this one has neither; use fp32")},
    // Corpora (Corpus, DataStore, LmBatches, TranslationData); CorpusError puts "<path>: " before them
    {"corpus.cannot_open", QT_TRANSLATE_NOOP("traveller::CoreMessages", "cannot open the corpus file")},
    {"corpus.cannot_read", QT_TRANSLATE_NOOP("traveller::CoreMessages", "cannot read the corpus file")},
    {"corpus.unreadable", QT_TRANSLATE_NOOP("traveller::CoreMessages", "cannot be read")},
    {"corpus.not_utf8", QT_TRANSLATE_NOOP("traveller::CoreMessages", "is not UTF-8 text: {0} at byte offset {1}; a corpus must be a UTF-8 text file")},
    {"corpus.too_large", QT_TRANSLATE_NOOP("traveller::CoreMessages", "is larger than {0} GiB; a corpus is read whole for its vocabulary, so give a smaller file")},
    {"corpus.too_few_book", QT_TRANSLATE_NOOP("traveller::CoreMessages", "holds fewer than two tokens after cleaning (the book's cleaning keeps the letters a-z "
                             "only; set data.normalize: unicode for text in other scripts); it cannot train a model")},
    {"corpus.too_few", QT_TRANSLATE_NOOP("traveller::CoreMessages", "holds fewer than two tokens; it cannot train a model")},
    {"corpus.heldout_too_big", QT_TRANSLATE_NOOP("traveller::CoreMessages", "has {0} tokens: too few to hold out {1} (data.heldout) after {2} training tokens")},
    {"corpus.batch_too_big", QT_TRANSLATE_NOOP("traveller::CoreMessages", "{0} tokens cannot fill one batch of {1} x {2} steps; lower data.batch_size or "
                              "data.num_steps, or raise data.max_tokens")},
    {"corpus.missing", QT_TRANSLATE_NOOP("traveller::CoreMessages", "missing (expected SHA-1 {0}); run `traveller-cli fetch-data` to download it, or point "
                        "--data-dir / TRAVELLER_DATA_DIR at a folder holding {1}")},
    {"corpus.wrong_sha1", QT_TRANSLATE_NOOP("traveller::CoreMessages", "SHA-1 is {0}, expected {1} (the file is truncated, corrupt or a different text); run "
                           "`traveller-cli fetch-data` to download it, or point --data-dir / TRAVELLER_DATA_DIR at a "
                           "folder holding {2}")},
    {"corpus.download_failed", QT_TRANSLATE_NOOP("traveller::CoreMessages", "download of {0} failed ({1}); nothing was changed")},
    {"corpus.download_sha1", QT_TRANSLATE_NOOP("traveller::CoreMessages", "download of {0} has SHA-1 {1}, expected {2}; nothing was changed")},
    {"corpus.translation_cannot_open", QT_TRANSLATE_NOOP("traveller::CoreMessages", "cannot open the translation corpus")},
    {"corpus.no_pairs", QT_TRANSLATE_NOOP("traveller::CoreMessages", "holds no \"English<TAB>French\" lines in its first {0} lines")},
    // Configuration (ConfigFields, ExperimentConfig, Sweep, cells); ConfigError puts
    // "<file>: line L, column C: <key>: " before them
    {"config.integer", QT_TRANSLATE_NOOP("traveller::CoreMessages", "expected an integer, got '{0}'")},
    {"config.int_range", QT_TRANSLATE_NOOP("traveller::CoreMessages", "must be between {0} and {1}, got {2}")},
    {"config.number", QT_TRANSLATE_NOOP("traveller::CoreMessages", "expected a number, got '{0}'")},
    {"config.at_least", QT_TRANSLATE_NOOP("traveller::CoreMessages", "must be at least {0}, got {1}")},
    {"config.greater_than", QT_TRANSLATE_NOOP("traveller::CoreMessages", "must be greater than {0}, got {1}")},
    {"config.at_least_at_most", QT_TRANSLATE_NOOP("traveller::CoreMessages", "must be at least {0} and at most {1}, got {2}")},
    {"config.greater_than_at_most", QT_TRANSLATE_NOOP("traveller::CoreMessages", "must be greater than {0} and at most {1}, got {2}")},
    {"config.boolean", QT_TRANSLATE_NOOP("traveller::CoreMessages", "expected true or false, got '{0}'")},
    {"config.one_of", QT_TRANSLATE_NOOP("traveller::CoreMessages", "expected one of {0}, got '{1}'")},
    {"config.unknown_key_known", QT_TRANSLATE_NOOP("traveller::CoreMessages", "unknown key; known keys: {0}")},
    {"config.unknown_key", QT_TRANSLATE_NOOP("traveller::CoreMessages", "unknown key")},
    {"sweep.repeat_and_seed_grid", QT_TRANSLATE_NOOP("traveller::CoreMessages", "repeat: N runs seeds 0 to N-1; the grid's train.seed chooses seeds too: give one of them")},
    {"config.unknown_key_expected", QT_TRANSLATE_NOOP("traveller::CoreMessages", "unknown key; expected one of {0}")},
    {"config.plain_key", QT_TRANSLATE_NOOP("traveller::CoreMessages", "keys must be plain names")},
    {"config.duplicate_key", QT_TRANSLATE_NOOP("traveller::CoreMessages", "duplicate key: it is already set above in the same mapping")},
    {"config.expected_mapping", QT_TRANSLATE_NOOP("traveller::CoreMessages", "expected a mapping of {0}")},
    {"config.single_value_of", QT_TRANSLATE_NOOP("traveller::CoreMessages", "expected a single value of type {0}")},
    {"config.not_empty", QT_TRANSLATE_NOOP("traveller::CoreMessages", "must not be empty")},
    {"config.malformed_yaml", QT_TRANSLATE_NOOP("traveller::CoreMessages", "malformed YAML: {0}")},
    {"config.cannot_open_experiment", QT_TRANSLATE_NOOP("traveller::CoreMessages", "cannot open experiment file")},
    {"config.cannot_open_sweep", QT_TRANSLATE_NOOP("traveller::CoreMessages", "cannot open sweep file")},
    {"config.single_value", QT_TRANSLATE_NOOP("traveller::CoreMessages", "expected a single value")},
    {"config.set_syntax", QT_TRANSLATE_NOOP("traveller::CoreMessages", "--set expects KEY=VALUE, got '{0}'")},
    {"config.unknown_cell", QT_TRANSLATE_NOOP("traveller::CoreMessages", "unknown cell '{0}' (known: {1})")},
    // Files handed to Traveller (SafeFile.h); FileError puts "<path>: " before them
    {"file.missing", QT_TRANSLATE_NOOP("traveller::CoreMessages", "no such file")},
    {"file.not_regular", QT_TRANSLATE_NOOP("traveller::CoreMessages", "is {0}, not a regular file; give a file")},
    {"file.symlink", QT_TRANSLATE_NOOP("traveller::CoreMessages", "is a symbolic link; only plain files inside the folder are read")},
    {"file.too_large", QT_TRANSLATE_NOOP("traveller::CoreMessages", "is larger than the limit of {0}")},
    {"file.kind_folder", QT_TRANSLATE_NOOP("traveller::CoreMessages", "a folder")},
    {"file.kind_fifo", QT_TRANSLATE_NOOP("traveller::CoreMessages", "a FIFO (named pipe)")},
    {"file.kind_socket", QT_TRANSLATE_NOOP("traveller::CoreMessages", "a socket")},
    {"file.kind_device", QT_TRANSLATE_NOOP("traveller::CoreMessages", "a device")},
    {"file.kind_other", QT_TRANSLATE_NOOP("traveller::CoreMessages", "something other than a file")},
    {"file.cannot_read", QT_TRANSLATE_NOOP("traveller::CoreMessages", "cannot be read: {0}")},
    {"library.read_only", QT_TRANSLATE_NOOP("traveller::CoreMessages", "the run library is read-only here (this user cannot write its folder or file, or it is on a read-only file system); it can be listed and exported, not changed. Nothing was changed")},
    {"text.too_long", QT_TRANSLATE_NOOP("traveller::CoreMessages", "{0} is longer than the limit of {1}")},
    // Presets (Presets.cpp): one code per kind, so no English word sits inside a translation
    {"preset.no_such_experiment", QT_TRANSLATE_NOOP("traveller::CoreMessages", "no such experiment file or preset (try `traveller-cli presets`)")},
    {"preset.no_such_translation", QT_TRANSLATE_NOOP("traveller::CoreMessages", "no such translation file or preset (try `traveller-cli presets`)")},
    {"preset.no_such_sweep", QT_TRANSLATE_NOOP("traveller::CoreMessages", "no such sweep file or preset (try `traveller-cli presets`)")},
    // What is wrong in a corpus that is not UTF-8 ({0} of corpus.not_utf8; Corpus.cpp)
    {"corpus.utf8_nul", QT_TRANSLATE_NOOP("traveller::CoreMessages", "a NUL byte: this is a binary file, not text")},
    {"corpus.utf8_bad_start", QT_TRANSLATE_NOOP("traveller::CoreMessages", "byte 0x{0} cannot start a UTF-8 character")},
    {"corpus.utf8_cut_short", QT_TRANSLATE_NOOP("traveller::CoreMessages", "a UTF-8 character cut short (byte 0x{0} at offset {1})")},
    {"corpus.utf8_invalid", QT_TRANSLATE_NOOP("traveller::CoreMessages", "an invalid UTF-8 sequence")},
    {"corpus.utf8_cut_at_end", QT_TRANSLATE_NOOP("traveller::CoreMessages", "a UTF-8 character cut short by the end of the file")},
    // Sweeps (Sweep.cpp)
    {"sweep.too_many_runs", QT_TRANSLATE_NOOP("traveller::CoreMessages", "the sweep has {0} runs; at most {1} are allowed: shorten the grid's lists or split the sweep")},
    {"sweep.too_many_runs_overflow", QT_TRANSLATE_NOOP("traveller::CoreMessages", "the sweep has more than 10^19 runs; at most {0} are allowed: shorten the grid's lists or split the sweep")},
    // The run library's rules (RunRules.cpp): a RuleVerdict's reason is the text; {0} is the run's id
    {"rules.resume_translation", QT_TRANSLATE_NOOP("traveller::CoreMessages", "run {0} is a translation run; train it again from the Translate tab or `traveller-cli translate`")},
    {"rules.training_elsewhere", QT_TRANSLATE_NOOP("traveller::CoreMessages", "run {0} is training in another window or process")},
    {"rules.continue_no_weights", QT_TRANSLATE_NOOP("traveller::CoreMessages", "run {0} has no weights of its last epoch to continue from")},
    {"rules.continue_not_ended", QT_TRANSLATE_NOOP("traveller::CoreMessages", "run {0} has not ended; resume it instead (continue trains a finished or stopped run further)")},
    {"rules.resume_finished", QT_TRANSLATE_NOOP("traveller::CoreMessages", "run {0} is finished; only interrupted, stopped, queued or failed runs resume (re-run it to train it again)")},
    {"rules.resume_diverged", QT_TRANSLATE_NOOP("traveller::CoreMessages", "run {0} diverged; resumed from the same weights at the same learning rate it diverges again (re-run it with other settings)")},
    {"rules.cannot_resume", QT_TRANSLATE_NOOP("traveller::CoreMessages", "run {0} cannot be resumed")},
    {"rules.delete_training", QT_TRANSLATE_NOOP("traveller::CoreMessages", "run {0} is training in another window or process; stop it first")},
    {"rules.generate_translation", QT_TRANSLATE_NOOP("traveller::CoreMessages", "run {0} is a translation run; translate with it in the Translate tab")},
    {"rules.no_weights", QT_TRANSLATE_NOOP("traveller::CoreMessages", "run {0} has no weights yet")},
    {"rules.fork_translation", QT_TRANSLATE_NOOP("traveller::CoreMessages", "run {0} is a translation run; forks are made of language-model runs")},
    {"rules.fork_no_weights", QT_TRANSLATE_NOOP("traveller::CoreMessages", "run {0} kept no weights of epoch {1} to fork from; the epochs it can fork at: {2}")},
    {"rules.fork_diverged", QT_TRANSLATE_NOOP("traveller::CoreMessages", "run {0} diverged at epoch {1}; fork it from weights kept before that (epochs {2}) with another learning rate")},
    {"fork.no_epochs_left", QT_TRANSLATE_NOOP("traveller::CoreMessages", "a fork at epoch {0} has nothing to train: its run ends at epoch {1}; set train.epochs beyond {0}")},
    {"filter.unknown_key", QT_TRANSLATE_NOOP("traveller::CoreMessages", "unknown filter key '{0}'; the keys are {1}")},
    {"filter.empty_value", QT_TRANSLATE_NOOP("traveller::CoreMessages", "'{0}' needs a value after it, e.g. lr<1 or tag:lab")},
    {"store.cannot_create_folder", QT_TRANSLATE_NOOP("traveller::CoreMessages", "cannot create the run library folder '{0}': {1}")},
    {"store.cannot_open", QT_TRANSLATE_NOOP("traveller::CoreMessages", "cannot open the run library '{0}': {1}")},
    {"store.cannot_open_reading", QT_TRANSLATE_NOOP("traveller::CoreMessages", "cannot open the run library '{0}' for reading: {1}")},
    {"store.cannot_create", QT_TRANSLATE_NOOP("traveller::CoreMessages", "cannot create the run library '{0}': {1}")},
    {"store.cannot_claim", QT_TRANSLATE_NOOP("traveller::CoreMessages", "run {0} cannot be claimed for training: {1}")},
    {"store.already_training", QT_TRANSLATE_NOOP("traveller::CoreMessages", "run {0} is already training (another window or process owns it)")},
    {"store.import_training", QT_TRANSLATE_NOOP("traveller::CoreMessages", "run {0} is training; it is not replaced by its import")},
    {"store.cannot_stage", QT_TRANSLATE_NOOP("traveller::CoreMessages", "cannot stage a checkpoint in '{0}': {1}")},
    {"store.cannot_copy_checkpoint", QT_TRANSLATE_NOOP("traveller::CoreMessages", "cannot copy a checkpoint into the run library '{0}': {1}")},
    {"store.cannot_delete", QT_TRANSLATE_NOOP("traveller::CoreMessages", "run {0} cannot be deleted: {1}")},
    {"store.no_run", QT_TRANSLATE_NOOP("traveller::CoreMessages", "no run {0} in the run library '{1}'")},
    {"store.already_trained", QT_TRANSLATE_NOOP("traveller::CoreMessages", "run {0} has already trained; resume it instead")},
    // The book's PyTorch models in and out (interop/TorchInterop.cpp, TorchPickle.cpp)
    {"torch.not_archive", QT_TRANSLATE_NOOP("traveller::CoreMessages", "'{0}' is not a PyTorch archive (the zip file torch.save writes): {1}")},
    {"torch.not_finite", QT_TRANSLATE_NOOP("traveller::CoreMessages", "'{0}': {1} holds NaN or infinite values; a trained model has none")},
    {"torch.not_state_dict", QT_TRANSLATE_NOOP("traveller::CoreMessages", "'{0}' does not hold a state_dict (names to tensors, as torch.save(net.state_dict(), F) writes): it holds {1}")},
    {"torch.not_book_cell", QT_TRANSLATE_NOOP("traveller::CoreMessages", "the book's code has no layer for the cell '{0}'; the book's RNNModel takes {1}")},
    {"torch.wrong_keys", QT_TRANSLATE_NOOP("traveller::CoreMessages", "'{0}' is not the book's {1}: {2}")},
    {"torch.wrong_shape", QT_TRANSLATE_NOOP("traveller::CoreMessages", "'{0}': {1} is {2}, but the book's {3} with {4} hidden units has {5} (another cell or size?)")},
    {"torch.vocab_size", QT_TRANSLATE_NOOP("traveller::CoreMessages", "'{0}' has a vocabulary of {1} tokens, but the book's vocabulary of the corpus '{2}' has {3}; give the model's vocabulary with --vocab")},
    {"torch.vocab_unreadable", QT_TRANSLATE_NOOP("traveller::CoreMessages", "the vocabulary '{0}' cannot be read: {1}")},
    {"torch.vocab_mismatch", QT_TRANSLATE_NOOP("traveller::CoreMessages", "the vocabulary '{0}' does not match the corpus '{1}': {2}")},
    {"torch.s2s_vocab_size", QT_TRANSLATE_NOOP("traveller::CoreMessages", "'{0}': its {2} vocabulary has {1} tokens, the book's of '{3}' has {4} (another corpus or data.examples?)")},
    {"torch.cannot_write", QT_TRANSLATE_NOOP("traveller::CoreMessages", "cannot write '{0}': {1}")},
    {"torch.export_not_book", QT_TRANSLATE_NOOP("traveller::CoreMessages", "run {0} cannot be the book's RNNModel ({1}): the book has no such model")},
    {"replay.corpus_changed", QT_TRANSLATE_NOOP("traveller::CoreMessages", "run {0} trained on '{1}' with SHA-1 {2}; the file now has SHA-1 {3}: a replay would not train the same run (rerun trains its settings on the text as it is now)")},
    {"fork.weights_gone", QT_TRANSLATE_NOOP("traveller::CoreMessages", "the weights run {0} kept at epoch {1} cannot be read ({2}); nothing was forked")},
    {"library.kept_not_folder", QT_TRANSLATE_NOOP("traveller::CoreMessages", "'{0}' should be the run library's folder of kept weights, and it is not (a link or a file); move it away")},
    // The lab (Lab.cpp): its steps and the reference checks in a preset's `reference:`
    {"lab.no_step", QT_TRANSLATE_NOOP("traveller::CoreMessages", "no lab step '{0}'; the steps are {1}")},
    {"lab.cannot_read", QT_TRANSLATE_NOOP("traveller::CoreMessages", "cannot read '{0}'")},
    {"lab.expected_reference", QT_TRANSLATE_NOOP("traveller::CoreMessages", "expected a mapping of source, checks and quick")},
    {"lab.expected_check_list", QT_TRANSLATE_NOOP("traveller::CoreMessages", "expected a list of {metric: ..., value: ..., tolerance: ...}")},
    {"lab.expected_check", QT_TRANSLATE_NOOP("traveller::CoreMessages", "expected {metric: ..., value: ..., tolerance: ...}")},
    {"lab.missing", QT_TRANSLATE_NOOP("traveller::CoreMessages", "missing")},
    {"lab.unknown_metric", QT_TRANSLATE_NOOP("traveller::CoreMessages", "unknown metric '{0}'; expected perplexity, heldout_perplexity, loss, bleu or heldout_bleu")},
    {"lab.expected_number", QT_TRANSLATE_NOOP("traveller::CoreMessages", "expected a number")},
    {"lab.not_negative", QT_TRANSLATE_NOOP("traveller::CoreMessages", "must not be negative")},
    {"lab.sentence_not_bleu", QT_TRANSLATE_NOOP("traveller::CoreMessages", "a sentence belongs to a bleu check (one eval pair's source)")},
    // Lessons (core/src/lesson)
    {"lesson.cannot_open", QT_TRANSLATE_NOOP("traveller::CoreMessages", "cannot open lesson file")},
    {"lesson.expected_text", QT_TRANSLATE_NOOP("traveller::CoreMessages", "expected a text, or {en: ..., zh_CN: ...}")},
    {"lesson.expected_list", QT_TRANSLATE_NOOP("traveller::CoreMessages", "expected a list of {0}")},
    {"lesson.no_steps", QT_TRANSLATE_NOOP("traveller::CoreMessages", "a lesson needs a list of steps, at least one")},
    {"lesson.missing", QT_TRANSLATE_NOOP("traveller::CoreMessages", "missing {0}")},
    {"lesson.unknown_setting", QT_TRANSLATE_NOOP("traveller::CoreMessages", "not a setting of the Language model or the Translate tab (see traveller-cli schema)")},
    {"lesson.no_preset", QT_TRANSLATE_NOOP("traveller::CoreMessages", "no preset '{0}'; the presets are {1}")},
    {"lesson.expected_run", QT_TRANSLATE_NOOP("traveller::CoreMessages", "expected {preset: NAME} or {open: NAME}, with label and set if you like")},
    {"lesson.no_library", QT_TRANSLATE_NOOP("traveller::CoreMessages", "opening a run needs the lesson's library (library: FOLDER at the top)")},
    {"lesson.library_missing", QT_TRANSLATE_NOOP("traveller::CoreMessages", "no run library in '{0}' (a folder with runs.sqlite, beside the lesson)")},
    {"lesson.no_library_run", QT_TRANSLATE_NOOP("traveller::CoreMessages", "no run named '{0}' in the lesson's library; it has {1}")},
    {"lesson.open_weights", QT_TRANSLATE_NOOP("traveller::CoreMessages", "the lesson's run '{0}' cannot be opened: '{1}' is not a checkpoint of its settings")},
    {"lesson.open_translation", QT_TRANSLATE_NOOP("traveller::CoreMessages", "the lesson's run '{0}' is a translation run; a lesson opens language-model runs from its library")},
    {"lesson.set_on_open", QT_TRANSLATE_NOOP("traveller::CoreMessages", "a run opened from the library keeps its settings; set belongs to a preset's run")},
    {"lesson.expected_check", QT_TRANSLATE_NOOP("traveller::CoreMessages", "expected {run: LABEL, metric: ..., value: ..., tolerance: ...}")},
    {"lesson.unknown_tab", QT_TRANSLATE_NOOP("traveller::CoreMessages", "unknown tab '{0}'; the tabs are {1}")},
    {"lesson.open_hidden", QT_TRANSLATE_NOOP("traveller::CoreMessages", "the step opens the tab '{0}', which it does not show")},
    {"lesson.duplicate_run", QT_TRANSLATE_NOOP("traveller::CoreMessages", "two runs are labelled '{0}'; give each its own label")},
    {"lesson.tab_needed", QT_TRANSLATE_NOOP("traveller::CoreMessages", "the step needs the tab '{0}' (for {1}) but does not show it")},
    {"lesson.hides_needed", QT_TRANSLATE_NOOP("traveller::CoreMessages", "the step hides '{0}', which it needs")},
    {"lesson.locks_needed", QT_TRANSLATE_NOOP("traveller::CoreMessages", "the step locks '{0}', which it needs")},
    {"lesson.unknown_run", QT_TRANSLATE_NOOP("traveller::CoreMessages", "no run labelled '{0}' in this lesson")},
    {"lesson.lens_value", QT_TRANSLATE_NOOP("traveller::CoreMessages", "{1} has no value '{0}' for the Lens; it has {2}")},
    // Slurm (Slurm.cpp: planning and submitting; Import.cpp: a run that comes in without its own word)
    {"cluster.bad_time", QT_TRANSLATE_NOOP("traveller::CoreMessages", "'{0}' is not a Slurm time limit (minutes, HH:MM:SS or D-HH:MM)")},
    {"cluster.at_least_one", QT_TRANSLATE_NOOP("traveller::CoreMessages", "needs at least 1")},
    {"cluster.negative", QT_TRANSLATE_NOOP("traveller::CoreMessages", "cannot be negative")},
    {"cluster.no_runs", QT_TRANSLATE_NOOP("traveller::CoreMessages", "the sweep '{0}' has no runs")},
    {"cluster.gpu_needed", QT_TRANSLATE_NOOP("traveller::CoreMessages", "run '{0}' asks for {1}: give --gpus-per-task 1 so that each array task is allocated a GPU")},
    {"cluster.sbatch_refused", QT_TRANSLATE_NOOP("traveller::CoreMessages", "sbatch refused level {0} of the sweep: {1}; nothing was submitted")},
    {"cluster.sbatch_refused_cancelled", QT_TRANSLATE_NOOP("traveller::CoreMessages", "sbatch refused level {0} of the sweep: {1}; the arrays already submitted were cancelled")},
    {"cluster.never_ran", QT_TRANSLATE_NOOP("traveller::CoreMessages", "its array task never ran (cancelled); train it with `traveller-cli runs resume`")},
    {"cluster.cut_off", QT_TRANSLATE_NOOP("traveller::CoreMessages", "its array task ended without recording why (killed, or its node was lost); resume it with `traveller-cli runs resume`")},
    // Run folders (RunFolder.cpp): {0} names the task ("task 3 (lr=1)"), {1} the file
    {"cluster.file_empty", QT_TRANSLATE_NOOP("traveller::CoreMessages", "{0}: '{1}' is missing or empty")},
    {"cluster.state_not_json", QT_TRANSLATE_NOOP("traveller::CoreMessages", "{0}: '{1}' is not JSON ({2})")},
    {"cluster.state_not_object", QT_TRANSLATE_NOOP("traveller::CoreMessages", "{0}: '{1}' is not a JSON object")},
    {"cluster.epochs_beyond", QT_TRANSLATE_NOOP("traveller::CoreMessages", "{0}: '{1}' records epoch {2} of a run planned for {3}")},
    {"cluster.bad_field", QT_TRANSLATE_NOOP("traveller::CoreMessages", "{0}: '{1}': field '{2}' {3}")},
    {"cluster.field_not_integer", QT_TRANSLATE_NOOP("traveller::CoreMessages", "is not a whole number")},
    {"cluster.field_range", QT_TRANSLATE_NOOP("traveller::CoreMessages", "is out of range ({0} to {1})")},
    {"cluster.field_not_number", QT_TRANSLATE_NOOP("traveller::CoreMessages", "is not a number")},
    {"cluster.field_negative", QT_TRANSLATE_NOOP("traveller::CoreMessages", "is negative")},
    {"cluster.field_not_text", QT_TRANSLATE_NOOP("traveller::CoreMessages", "is not a text")},
    {"cluster.field_too_long", QT_TRANSLATE_NOOP("traveller::CoreMessages", "is longer than {0}")},
    {"cluster.field_status", QT_TRANSLATE_NOOP("traveller::CoreMessages", "is '{0}', not a state a run can be in")},
    {"cluster.field_samples", QT_TRANSLATE_NOOP("traveller::CoreMessages", "is not an object of at most {0} texts")},
    {"cluster.field_sample", QT_TRANSLATE_NOOP("traveller::CoreMessages", "holds a sample that is not a text or is too long")},
    {"cluster.field_past_epochs", QT_TRANSLATE_NOOP("traveller::CoreMessages", "is past the run's {0} epochs")},
    {"cluster.folder_taken", QT_TRANSLATE_NOOP("traveller::CoreMessages", "'{0}' already holds a submitted sweep; choose another --run-folder")},
    {"cluster.cannot_create_folder", QT_TRANSLATE_NOOP("traveller::CoreMessages", "cannot create the run folder '{0}': {1}")},
    {"cluster.no_sbatch", QT_TRANSLATE_NOOP("traveller::CoreMessages", "sbatch is not on the PATH: this machine is not a Slurm submit host")},
    {"cluster.import_refused", QT_TRANSLATE_NOOP("traveller::CoreMessages", "sbatch refused the import job: {0}; the arrays were cancelled")},
    {"cluster.not_a_run_folder", QT_TRANSLATE_NOOP("traveller::CoreMessages", "'{0}' is not a Traveller Slurm run folder (no plan.json)")},
    {"cluster.plan_format", QT_TRANSLATE_NOOP("traveller::CoreMessages", "'{0}' was written by another Traveller (format {1})")},
    {"cluster.plan_out_of_order", QT_TRANSLATE_NOOP("traveller::CoreMessages", "'{0}' lists its runs out of order")},
    {"cluster.plan_bad_run", QT_TRANSLATE_NOOP("traveller::CoreMessages", "'{0}' names run {1} in a level but has only {2}")},
    {"cluster.file_damaged", QT_TRANSLATE_NOOP("traveller::CoreMessages", "'{0}' is damaged: {1}")},
    {"cluster.no_task", QT_TRANSLATE_NOOP("traveller::CoreMessages", "the plan in '{0}' has no task {1} at level {2}")},
    // The run library that cannot be used as one (RunStore.cpp): {1} of store.damaged / store.foreign is why
    {"store.damaged", QT_TRANSLATE_NOOP("traveller::CoreMessages", "the run library '{0}' is damaged ({1}); Traveller will not replace it. Move it away to start a new library, or restore it from a copy")},
    {"store.foreign", QT_TRANSLATE_NOOP("traveller::CoreMessages", "'{0}' is not a Traveller run library ({1}); Traveller leaves it untouched. Choose another folder with --library")},
    {"store.not_regular", QT_TRANSLATE_NOOP("traveller::CoreMessages", "'{0}' is not a regular file, so it is not a run library; Traveller leaves it untouched. Choose another folder with --library")},
    {"store.read_only_schema", QT_TRANSLATE_NOOP("traveller::CoreMessages", "the run library '{0}' is read-only here and was written by another Traveller (schema {1}); open it once where it can be written")},
    {"store.newer_schema", QT_TRANSLATE_NOOP("traveller::CoreMessages", "the run library '{0}' was written by a newer Traveller (schema {1})")},
    {"store.empty_file", QT_TRANSLATE_NOOP("traveller::CoreMessages", "the file is empty")},
    {"store.bad_schema_version", QT_TRANSLATE_NOOP("traveller::CoreMessages", "its schema version is '{0}'")},
    {"store.application_id", QT_TRANSLATE_NOOP("traveller::CoreMessages", "its SQLite application id is {0}")},
    {"store.foreign_tables", QT_TRANSLATE_NOOP("traveller::CoreMessages", "it holds another program's tables")},
    {"store.no_schema_version", QT_TRANSLATE_NOOP("traveller::CoreMessages", "it has no Traveller schema version")},
    // Checkpoint files (lm/LmCheckpoints.cpp)
    {"checkpoint.epoch_damaged", QT_TRANSLATE_NOOP("traveller::CoreMessages", "checkpoint '{0}': its epoch is damaged")},
    {"checkpoint.rng_damaged", QT_TRANSLATE_NOOP("traveller::CoreMessages", "cannot load checkpoint '{0}': its data-order generator state is damaged")},
};

std::string escapeRegex(const std::string& text)
{
    static const std::string special = R"(\^$.|?*+()[]{})";
    std::string out;
    for (char c : text) {
        if (special.find(c) != std::string::npos)
            out += '\\';
        out += c;
    }
    return out;
}

struct Compiled {
    const MessageTemplate* tmpl;
    std::regex re;
    std::vector<int> order;  // the argument index of each capture group
};

const std::vector<Compiled>& compiled()
{
    static const std::vector<Compiled> all = [] {
        std::vector<Compiled> out;
        static const std::regex placeholder(R"(\{(\d+)\})");
        for (const auto& t : kCatalogue) {
            const std::string text = t.english;
            std::string pattern = "^";
            std::vector<int> order;
            auto begin = std::sregex_iterator(text.begin(), text.end(), placeholder);
            std::size_t last = 0;
            for (auto it = begin; it != std::sregex_iterator(); ++it) {
                pattern += escapeRegex(text.substr(last, static_cast<std::size_t>(it->position()) - last));
                pattern += "([\\s\\S]*?)";
                order.push_back(std::stoi((*it)[1].str()));
                last = static_cast<std::size_t>(it->position() + it->length());
            }
            pattern += escapeRegex(text.substr(last)) + "$";
            out.push_back({&t, std::regex(pattern), order});
        }
        // The most specific first: "must be at least {0} and at most {1}, got
        // {2}" before "must be at least {0}, got {1}", which would match it too.
        auto literal = [](const Compiled& c) {
            return std::regex_replace(std::string(c.tmpl->english), placeholder, "").size();
        };
        std::stable_sort(out.begin(), out.end(),
                         [&](const Compiled& a, const Compiled& b) { return literal(a) > literal(b); });
        return out;
    }();
    return all;
}

} // namespace

const std::vector<MessageTemplate>& messageCatalogue() { return kCatalogue; }

const MessageTemplate* findTemplate(const std::string& code)
{
    for (const auto& t : kCatalogue)
        if (code == t.code)
            return &t;
    return nullptr;
}

std::string fillTemplate(const std::string& pattern, const std::vector<std::string>& args)
{
    std::string out;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '{') {
            const std::size_t close = pattern.find('}', i);
            if (close != std::string::npos && close > i + 1 &&
                pattern.find_first_not_of("0123456789", i + 1) == close) {
                const std::size_t n = std::stoul(pattern.substr(i + 1, close - i - 1));
                out += n < args.size() ? args[n] : pattern.substr(i, close - i + 1);
                i = close;
                continue;
            }
        }
        out += pattern[i];
    }
    return out;
}

std::string Message::text() const
{
    const MessageTemplate* t = findTemplate(code);
    return t ? fillTemplate(t->english, args) : (args.empty() ? code : args.front());
}

std::string shownValue(const std::string& text, std::size_t maxBytes)
{
    std::string out;
    std::size_t i = 0;
    for (; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        const bool control = (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f;
        const bool characterStart = (c & 0xc0) != 0x80;
        if (characterStart && out.size() + (control ? 4 : 1) > maxBytes)
            break;
        if (control) {
            static const char* hex = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    if (i < text.size())
        out += "… (" + std::to_string(text.size()) + " bytes)";
    return out;
}

Message message(const std::string& code, std::vector<std::string> args)
{
    if (!findTemplate(code))
        throw std::logic_error("no message template '" + code + "'");
    for (std::string& a : args)
        a = shownValue(a);
    return {code, std::move(args)};
}

std::optional<Message> parseMessage(const std::string& text)
{
    for (const auto& c : compiled()) {
        std::smatch m;
        if (!std::regex_match(text, m, c.re))
            continue;
        Message out{c.tmpl->code, {}};
        int count = 0;
        for (int n : c.order)
            count = std::max(count, n + 1);
        out.args.assign(static_cast<std::size_t>(count), std::string());
        for (std::size_t g = 0; g < c.order.size(); ++g)
            out.args[static_cast<std::size_t>(c.order[g])] = m[static_cast<int>(g + 1)].str();
        return out;
    }
    return std::nullopt;
}

} // namespace traveller
