// The one owner of a worker object on its own thread (private to
// traveller_ui). Every long job of the window goes through it: a language
// model run (RunQueue), a translation (TranslatePanel), a sweep (SweepsPanel),
// a cluster sweep's squeue readings (SweepsClusterView), a stored run's
// training and its text (RunsPanel).
//
// start() moves the worker to a new QThread and calls its entry slot there;
// the worker is deleted on that thread once the thread ends. stop() is the
// Mandelbrot pattern: ask the job to stop (the worker's requestStop(), which
// every trainer notices within one batch), end the thread's event loop, wait.
// The destructor stops, so a panel that dies with a job running joins it.
#pragma once

#include <QObject>
#include <QPointer>
#include <QString>
#include <QThread>

#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

namespace traveller::ui {

class WorkerThread {
public:
    WorkerThread() = default;
    ~WorkerThread() { stop(); }
    WorkerThread(const WorkerThread&) = delete;
    WorkerThread& operator=(const WorkerThread&) = delete;

    // Starts `worker` on a new thread named `name`, calling `entry` there
    // (none: the worker serves queued calls). A worker with a thread-safe
    // requestStop() is asked to stop by stop(). A job still owned is stopped
    // and joined first.
    template <class Worker>
    Worker* start(Worker* worker, void (Worker::*entry)(), const QString& name)
    {
        stop();
        thread_ = std::make_unique<QThread>();
        thread_->setObjectName(name);
        worker->moveToThread(thread_.get());
        QObject::connect(thread_.get(), &QThread::finished, worker, &QObject::deleteLater);
        if (entry)
            QObject::connect(thread_.get(), &QThread::started, worker, entry);
        worker_ = worker;
        if constexpr (HasRequestStop<Worker>::value)
            requestStop_ = [worker = QPointer<Worker>(worker)] {
                if (worker)
                    worker->requestStop();
            };
        thread_->start();
        return worker;
    }

    // A worker that serves queued calls (no entry slot).
    template <class Worker>
    Worker* start(Worker* worker, const QString& name)
    {
        return start(worker, static_cast<void (Worker::*)()>(nullptr), name);
    }

    // Any time: asks the job to stop; it returns what it has within a batch.
    void requestStop()
    {
        if (requestStop_)
            requestStop_();
    }
    // Ends the thread's event loop once its job has returned, waits for it,
    // and the worker is gone.
    void join()
    {
        if (!thread_)
            return;
        thread_->quit();
        thread_->wait();
        delete worker_.data();  // normally gone already through finished -> deleteLater
        thread_.reset();
        requestStop_ = nullptr;
    }
    void stop()
    {
        requestStop();
        join();
    }

    bool owns() const { return thread_ != nullptr; }

private:
    template <class W, class = void>
    struct HasRequestStop : std::false_type {};
    template <class W>
    struct HasRequestStop<W, std::void_t<decltype(std::declval<W&>().requestStop())>> : std::true_type {};

    std::unique_ptr<QThread> thread_;
    QPointer<QObject> worker_;
    std::function<void()> requestStop_;
};

} // namespace traveller::ui
