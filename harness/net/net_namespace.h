#pragma once
// Named network namespaces, the way `ip netns add` makes them (a bind mount
// under /run/netns/<name>), so `ip netns exec`, `ip -n` and the interop tests'
// Python helpers can enter them too, and code of ours that runs inside one.
//
// The network namespace belongs to a thread, not to the process: in_namespace()
// runs a function on a short-lived thread that has setns(CLONE_NEWNET) into the
// namespace. A socket keeps the namespace it was created in, so a socket opened
// there can be handed back and used by any thread (asio's included).

#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "core/result.h"

namespace hnbsec::net {

inline constexpr std::string_view kNetnsDir = "/run/netns";

// `ip netns add <name>` and `ip link set lo up` inside it.
Status create_namespace(const std::string& name);
// `ip netns del <name>`; deleting a namespace that does not exist is not an error.
Status delete_namespace(const std::string& name);
bool namespace_exists(const std::string& name);
// Every name under /run/netns, sorted.
std::vector<std::string> list_namespaces();

// Runs `body` on a new thread that entered namespace `name`, and waits for it.
// Fails (without running `body`) when the namespace cannot be opened or entered.
Status run_in_namespace(const std::string& name, const std::function<void()>& body);

// Runs `fn` (returning Result<T>) inside namespace `name`; its result, or the
// error of entering the namespace.
template <typename Fn>
auto in_namespace(const std::string& name, Fn&& fn) -> std::invoke_result_t<Fn&> {
    using R = std::invoke_result_t<Fn&>;
    std::optional<R> out;
    auto entered = run_in_namespace(name, [&] { out.emplace(fn()); });
    if (!entered.ok()) return std::move(entered).error();
    return std::move(*out);
}

}  // namespace hnbsec::net
