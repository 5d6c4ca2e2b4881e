#include "harness/net/net_namespace.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <thread>

#include <fcntl.h>
#include <sched.h>

#include "harness/net/ip_command.h"
#include "harness/net/unique_fd.h"

namespace hnbsec::net {
namespace {

std::filesystem::path namespace_path(const std::string& name) {
    return std::filesystem::path(kNetnsDir) / name;
}

Status check_name(const std::string& name) {
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") {
        return Error("invalid namespace name '" + name + "'");
    }
    return Ok{};
}

}  // namespace

Status create_namespace(const std::string& name) {
    HNBSEC_CHECK(check_name(name));
    HNBSEC_CHECK(run_ip({"netns", "add", name}));
    // A fresh namespace has lo down: nothing, not even 127.0.0.1, would work.
    auto lo = run_ip({"-n", name, "link", "set", "lo", "up"});
    if (!lo.ok()) {
        (void)run_ip({"netns", "del", name});
        return std::move(lo).error();
    }
    return Ok{};
}

Status delete_namespace(const std::string& name) {
    HNBSEC_CHECK(check_name(name));
    if (!namespace_exists(name)) return Ok{};
    HNBSEC_CHECK(run_ip({"netns", "del", name}));
    return Ok{};
}

bool namespace_exists(const std::string& name) {
    std::error_code ec;
    return check_name(name).ok() && std::filesystem::exists(namespace_path(name), ec);
}

std::vector<std::string> list_namespaces() {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(kNetnsDir), ec)) {
        names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

Status run_in_namespace(const std::string& name, const std::function<void()>& body) {
    HNBSEC_CHECK(check_name(name));
    const auto path = namespace_path(name);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-vararg): open(2) is variadic
    UniqueFd ns_fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!ns_fd.valid()) {
        return Error("cannot open network namespace " + path.string() + ": " + std::strerror(errno));
    }
    int setns_errno = 0;
    try {
        // A thread of its own: setns(CLONE_NEWNET) changes only the calling thread,
        // and this one ends with the body, so no caller's thread ever changes namespace.
        std::thread worker([&] {
            if (::setns(ns_fd.get(), CLONE_NEWNET) != 0) {
                setns_errno = errno;
                return;
            }
            body();
        });
        worker.join();
    } catch (const std::system_error& e) {
        return Error(std::string("cannot start a thread to enter namespace ") + name + ": " + e.what());
    }
    if (setns_errno != 0) {
        return Error("cannot enter network namespace " + name + ": " + std::strerror(setns_errno));
    }
    return Ok{};
}

}  // namespace hnbsec::net
