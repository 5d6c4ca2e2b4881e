#include "harness/roles/hems/rpc_queue.h"

namespace hnbsec::hems {

void RpcQueue::push(cwmp::Rpc rpc, std::string serial_number) {
    const std::lock_guard lock(mutex_);
    items_.push_back(Item{std::move(serial_number), std::move(rpc)});
}

std::optional<cwmp::Rpc> RpcQueue::pop_for(const cwmp::DeviceId& device) {
    const std::lock_guard lock(mutex_);
    for (auto it = items_.begin(); it != items_.end(); ++it) {
        if (it->serial_number.empty() || it->serial_number == device.serial_number) {
            cwmp::Rpc rpc = std::move(it->rpc);
            items_.erase(it);
            return rpc;
        }
    }
    return std::nullopt;
}

std::size_t RpcQueue::size() const {
    const std::lock_guard lock(mutex_);
    return items_.size();
}

}  // namespace hnbsec::hems
