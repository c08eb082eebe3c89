#pragma once
/// RestServerThread: a RestServer on an io_context and a thread of its own, which is how the node runs the API
/// (so that backend calls that block briefly never delay the p2p or sync executors). The tests run every server
/// through it.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <system_error>
#include <thread>

#include "hypasis/core/common/expected.hpp"
#include "hypasis/serve/rest_server.hpp"

namespace hypasis::serve {

class RestServerThread {
  public:
    /// Does nothing on the network yet.
    RestServerThread(ApiBackend backend, RestServerOptions options);
    /// stop().
    ~RestServerThread();
    RestServerThread(const RestServerThread&) = delete;
    RestServerThread& operator=(const RestServerThread&) = delete;

    /// Binds (RestServer::start(), same errors) and starts the thread. local_endpoint() is valid on success.
    Expected<void, std::error_code> start();

    /// Stops the server, lets its connections end and joins the thread. Idempotent. Must not be called from a
    /// backend callback (it would wait for itself). Blocks while a backend callback is running.
    void stop();

    [[nodiscard]] RestServer& server() noexcept { return *server_; }
    [[nodiscard]] boost::asio::ip::tcp::endpoint local_endpoint() const noexcept { return server_->local_endpoint(); }

  private:
    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    std::unique_ptr<RestServer> server_;
    std::thread thread_;
    bool stopped_{false};
};

}  // namespace hypasis::serve
