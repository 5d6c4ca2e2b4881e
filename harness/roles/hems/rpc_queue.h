#pragma once
// The RPCs waiting for a device's next CWMP session, in order. A test queues them before
// it makes the device connect; the session hands them out one per HTTP response
// (TR-069 §3.7.1.4). Shared between the test's thread and the connection threads.

#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include "proto/cwmp/messages.h"

namespace hnbsec::hems {

class RpcQueue {
public:
    // `serial_number` empty: for whichever device comes first.
    void push(cwmp::Rpc rpc, std::string serial_number = {});
    // The oldest RPC for this device (or for any device).
    std::optional<cwmp::Rpc> pop_for(const cwmp::DeviceId& device);
    std::size_t size() const;

private:
    struct Item {
        std::string serial_number;
        cwmp::Rpc rpc;
    };
    mutable std::mutex mutex_;
    std::deque<Item> items_;
};

}  // namespace hnbsec::hems
