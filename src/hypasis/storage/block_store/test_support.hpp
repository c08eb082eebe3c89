#pragma once
/// Test only: temporary datadirs, raw access to a closed store's rows, and child processes that run this same
/// test binary in a helper role (for the crash and lock tests). Not part of the library's interface.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "hypasis/storage/block_store/block_store.hpp"
#include "hypasis/storage/kv/kv.hpp"

extern char** environ;

namespace hypasis::storage::testing {

/// A fresh directory under the system temp dir (outside the repository), removed at the end of its scope.
class TempDir {
  public:
    TempDir() {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("hypasis-store-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::remove_all(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

/// Small memory figures so that tests stay light.
inline StoreOptions small_store_options() {
    StoreOptions o;
    o.kv.block_cache_bytes = 8 << 20;
    o.kv.write_buffer_bytes = 4 << 20;
    o.cache_bytes = 16 << 20;
    return o;
}

/// Opens a store or fails the test (returns null).
inline std::unique_ptr<BlockStore> open_store(const std::filesystem::path& p,
                                              const StoreOptions& o = small_store_options()) {
    auto s = BlockStore::open(p, o);
    EXPECT_TRUE(s) << (s ? "" : to_string(s.error()));
    return s ? std::move(*s) : nullptr;
}

/// Opens the kv database of a closed store (the "raw RocksDB" access of the corruption tests).
inline std::unique_ptr<Database> open_raw(const std::filesystem::path& p) {
    KvOptions o;
    o.block_cache_bytes = 8 << 20;
    o.write_buffer_bytes = 4 << 20;
    auto db = Database::open(p, o);
    EXPECT_TRUE(db) << (db ? "" : db.error().message);
    return db ? std::move(*db) : nullptr;
}

/// A child process running this test binary with a gtest filter, holding the read end of a pipe whose write end
/// is the child's fd 3. The destructor SIGKILLs and reaps it (by pid), so no child outlives its test.
class Child {
  public:
    /// Spawns `/proc/self/exe --gtest_filter=<test> --gtest_also_run_disabled_tests` with `env` added (NAME=value
    /// strings). The child's stdout goes to /dev/null (its stderr is kept for diagnostics).
    Child(const std::string& test, const std::vector<std::string>& env) {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) {
            ADD_FAILURE() << "pipe2: " << errno;
            return;
        }
        std::error_code ec;
        const std::string exe = std::filesystem::read_symlink("/proc/self/exe", ec).string();
        std::vector<std::string> args{exe, "--gtest_filter=" + test, "--gtest_also_run_disabled_tests"};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        std::vector<std::string> env_strings(env.begin(), env.end());
        std::vector<char*> envp;
        for (auto& e : env_strings) envp.push_back(e.data());
        for (char** e = environ; *e; ++e) envp.push_back(*e);
        envp.push_back(nullptr);

        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], 3);  // dup2 clears O_CLOEXEC on fd 3
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        const int rc = posix_spawn(&pid_, exe.c_str(), &actions, nullptr, argv.data(), envp.data());
        posix_spawn_file_actions_destroy(&actions);
        ::close(fds[1]);
        if (rc != 0) {
            ::close(fds[0]);
            pid_ = -1;
            ADD_FAILURE() << "posix_spawn: " << rc;
            return;
        }
        read_fd_ = fds[0];
    }
    ~Child() {
        kill_and_reap();
        if (read_fd_ >= 0) ::close(read_fd_);
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    [[nodiscard]] bool running() const { return pid_ > 0; }
    [[nodiscard]] int read_fd() const { return read_fd_; }

    /// SIGKILLs the child and waits for it; returns its wait status (or -1 when there was no child).
    int kill_and_reap() {
        if (pid_ <= 0) return -1;
        ::kill(pid_, SIGKILL);
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        pid_ = -1;
        return status;
    }

  private:
    pid_t pid_{-1};
    int read_fd_{-1};
};

/// The value of environment variable `name`, or empty.
inline std::string env_or_empty(const char* name) {
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
}

}  // namespace hypasis::storage::testing
