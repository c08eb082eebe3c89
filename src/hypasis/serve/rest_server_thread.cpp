#include "hypasis/serve/rest_server_thread.hpp"

#include <utility>

namespace hypasis::serve {

RestServerThread::RestServerThread(ApiBackend backend, RestServerOptions options)
    : work_(boost::asio::make_work_guard(io_)),
      server_(std::make_unique<RestServer>(io_.get_executor(), std::move(backend), std::move(options))) {}

RestServerThread::~RestServerThread() { stop(); }

Expected<void, std::error_code> RestServerThread::start() {
    if (auto started = server_->start(); !started) return started;
    thread_ = std::thread([this] { io_.run(); });
    return {};
}

void RestServerThread::stop() {
    if (stopped_) return;
    stopped_ = true;
    server_->stop();
    work_.reset();  // run() returns once the accept loop and every connection have ended
    if (thread_.joinable()) thread_.join();
}

}  // namespace hypasis::serve
