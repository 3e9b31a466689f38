#include "Checkpoint.h"

#include "traveller/core/Errors.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>

namespace traveller {

namespace {

// Closes a descriptor on every path out; close() errors on the write path are
// checked explicitly before this runs.
class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd()
    {
        if (fd_ >= 0)
            ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    int release()
    {
        const int fd = fd_;
        fd_ = -1;
        return fd;
    }

private:
    int fd_;
};

[[noreturn]] void fail(const std::string& path, const std::string& tmp, const std::string& why)
{
    std::remove(tmp.c_str());
    throw Error("cannot write checkpoint '" + path + "': " + why);
}

// For the kill tests (tests/store/KillResumeTest.cpp): with
// TRAVELLER_KILL_AFTER_CHECKPOINT=N in the environment, the process ends by
// SIGKILL right after its Nth checkpoint is renamed into place, before the run
// library records it, as a power cut or the OOM killer could. Unset, inert.
void killAfterCheckpointIfAsked()
{
    static const long target = [] {
        const char* v = std::getenv("TRAVELLER_KILL_AFTER_CHECKPOINT");
        return v ? std::strtol(v, nullptr, 10) : 0L;
    }();
    static std::atomic<long> written{0};
    if (target > 0 && ++written == target)
        std::raise(SIGKILL);
}

std::string errnoText(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// Writes `bytes` to `tmp`, flushes it to the disk and reads it back: only a
// file known complete on the disk may replace the previous checkpoint.
void writeDurably(const std::string& path, const std::string& tmp, const std::string& bytes)
{
    Fd out(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (out.get() < 0)
        fail(path, tmp, errnoText("open"));
    for (std::size_t done = 0; done < bytes.size();) {
        const ssize_t n = ::write(out.get(), bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            fail(path, tmp, n < 0 ? errnoText("write") : "write: no progress");
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(out.get()) != 0)
        fail(path, tmp, errnoText("fsync"));
    if (::close(out.release()) != 0)
        fail(path, tmp, errnoText("close"));

    Fd in(::open(tmp.c_str(), O_RDONLY | O_CLOEXEC));
    struct stat st {};
    if (in.get() < 0 || ::fstat(in.get(), &st) != 0)
        fail(path, tmp, errnoText("reading back"));
    if (static_cast<std::size_t>(st.st_size) != bytes.size())
        fail(path, tmp, "reading back: " + std::to_string(st.st_size) + " of " + std::to_string(bytes.size()) +
                            " bytes on the disk");
    std::string back(bytes.size(), '\0');
    for (std::size_t done = 0; done < back.size();) {
        const ssize_t n = ::read(in.get(), back.data() + done, back.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            fail(path, tmp, n < 0 ? errnoText("reading back") : "reading back: the file is short");
        done += static_cast<std::size_t>(n);
    }
    if (back != bytes)
        fail(path, tmp, "reading back: the file differs from what was written");
}

} // namespace

// One serialisation at a time in this process. LibTorch does not document
// its archive writer and reader as thread-safe, and ThreadSanitizer saw two
// parallel sweep runs' checkpoint saves touch the same heap string inside
// libtorch (docs/SANITIZERS.md). Checkpoints are written every few epochs:
// taking turns costs nothing measurable.
namespace {

std::recursive_mutex& serializerMutex()
{
    static std::recursive_mutex m;
    return m;
}

} // namespace

void saveCheckpointFile(torch::nn::Module& model, torch::optim::Optimizer& optimizer, const std::string& path,
                        const CheckpointExtras& extras)
{
    std::lock_guard lock(serializerMutex());
    torch::serialize::OutputArchive archive;
    model.save(archive);
    torch::serialize::OutputArchive optimizerArchive;
    optimizer.save(optimizerArchive);
    archive.write("optimizer", optimizerArchive);
    for (const auto& [key, tensor] : extras)
        archive.write("extra." + key, tensor, /*is_buffer=*/true);
    // Serialised in memory, never straight to the file: LibTorch's zip writer
    // reports a failed write (ENOSPC) by throwing from its destructor, which
    // ends the process. In memory nothing can fail but allocation.
    std::string bytes;
    try {
        archive.save_to([&bytes](const void* data, std::size_t n) {
            bytes.append(static_cast<const char*>(data), n);
            return n;
        });
    } catch (const c10::Error& e) {
        throw Error("cannot write checkpoint '" + path + "': " + std::string(e.what_without_backtrace()).substr(0, 200));
    }
    const std::string tmp = path + ".tmp";
    writeDurably(path, tmp, bytes);
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
        fail(path, tmp, errnoText("rename"));
    // The rename itself reaches the disk with the folder's entry.
    const std::string folder = std::filesystem::path(path).parent_path().string();
    Fd dir(::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.get() >= 0)
        ::fsync(dir.get());
    killAfterCheckpointIfAsked();
}

torch::Tensor readCheckpointExtra(const std::string& path, const std::string& key)
{
    std::lock_guard lock(serializerMutex());
    torch::serialize::InputArchive archive;
    torch::Tensor value;
    try {
        archive.load_from(path, torch::kCPU);
        if (!archive.try_read("extra." + key, value, /*is_buffer=*/true))
            return {};
    } catch (const c10::Error& e) {
        throw Error("cannot read checkpoint '" + path + "': " + std::string(e.what_without_backtrace()).substr(0, 200));
    }
    return value;
}

namespace {

std::string shapeText(const torch::Tensor& t)
{
    std::string out;
    for (auto d : t.sizes())
        out += (out.empty() ? "" : "x") + std::to_string(d);
    return out.empty() ? "scalar" : out;
}

// Module::load replaces each tensor with the file's, shape and all: a
// checkpoint of another size would "load" and leave a model that fails at
// its first product. So every parameter and buffer is checked first, the way
// Module::load walks them (own tensors, then each child's archive), and the
// model is not touched unless all fit.
void checkShapes(const torch::nn::Module& module, torch::serialize::InputArchive& archive, const std::string& prefix,
                 const std::string& path)
{
    auto check = [&](const std::string& key, const torch::Tensor& mine, bool buffer) {
        torch::Tensor theirs;
        if (!archive.try_read(key, theirs, buffer))
            throw Error("cannot load checkpoint '" + path + "': it has no " + prefix + key + "; it was saved by another kind of model");
        if (theirs.sizes() != mine.sizes())
            throw Error("cannot load checkpoint '" + path + "': " + prefix + key + " is " + shapeText(theirs) +
                        " in the file but " + shapeText(mine) + " in this model (another cell, size or vocabulary)");
    };
    for (const auto& p : module.named_parameters(/*recurse=*/false))
        check(p.key(), p.value(), false);
    for (const auto& b : module.named_buffers(/*recurse=*/false))
        check(b.key(), b.value(), true);
    for (const auto& child : module.named_children()) {
        torch::serialize::InputArchive childArchive;
        if (!archive.try_read(child.key(), childArchive))
            throw Error("cannot load checkpoint '" + path + "': it has no " + prefix + child.key() + "; it was saved by another kind of model");
        checkShapes(*child.value(), childArchive, prefix + child.key() + ".", path);
    }
}

} // namespace

void loadCheckpointFile(torch::nn::Module& model, torch::optim::Optimizer& optimizer, const std::string& path,
                        const torch::Device& device, CheckpointExtras* extras)
{
    std::lock_guard lock(serializerMutex());
    torch::serialize::InputArchive archive;
    try {
        archive.load_from(path, device);
        checkShapes(model, archive, "", path);
        model.load(archive);
        torch::serialize::InputArchive optimizerArchive;
        if (archive.try_read("optimizer", optimizerArchive))
            optimizer.load(optimizerArchive);
        if (extras) {
            for (auto it = extras->begin(); it != extras->end();) {
                if (archive.try_read("extra." + it->first, it->second, /*is_buffer=*/true))
                    ++it;
                else
                    it = extras->erase(it);
            }
        }
    } catch (const c10::Error& e) {
        throw Error("cannot load checkpoint '" + path + "': it is missing or does not match this model (" +
                    std::string(e.what_without_backtrace()).substr(0, 200) + ")");
    }
}

} // namespace traveller
