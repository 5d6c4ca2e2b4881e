#pragma once
// The test case's timeline: roles publish what they see as typed events (from their own
// threads); a test case body, plain sequential code, waits on it with deadlines — TTCN-3's
// `alt` with a timer, without the language. Positions are indices, so "what happened
// after the stimulus" is `wait_for(mark, ...)` with the mark taken before the stimulus.
//
//   Timeline<lab::LabEvent> timeline;
//   auto lab = LabServices::start(..., [&](const auto& e) { timeline.publish(e); });
//   const auto mark = timeline.mark();
//   dut.hpm_remove();
//   auto deleted = timeline.wait_for(mark, is_ike_delete, 10s);   // nullopt on timeout

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

namespace hnbsec::timeline {

template <typename Event>
class Timeline {
public:
    using Clock = std::chrono::steady_clock;
    struct Entry {
        Clock::time_point at;
        Event event;
    };
    using Predicate = std::function<bool(const Event&)>;

    void publish(Event event) {
        {
            const std::lock_guard lock(mutex_);
            entries_.push_back(Entry{Clock::now(), std::move(event)});
        }
        changed_.notify_all();
    }

    // The position of the next event to come.
    std::size_t mark() const {
        const std::lock_guard lock(mutex_);
        return entries_.size();
    }

    // The first event at or after `from` that matches, waiting up to `timeout` for it;
    // nullopt when none came in time. `position`, when given, receives its index.
    std::optional<Entry> wait_for(std::size_t from, const Predicate& matches,
                                  std::chrono::milliseconds timeout, std::size_t* position = nullptr) const {
        const auto deadline = Clock::now() + timeout;
        std::unique_lock lock(mutex_);
        std::size_t next = from;
        while (true) {
            for (; next < entries_.size(); ++next) {
                if (matches(entries_[next].event)) {
                    if (position != nullptr) *position = next;
                    return entries_[next];
                }
            }
            if (changed_.wait_until(lock, deadline) == std::cv_status::timeout && next == entries_.size()) {
                return std::nullopt;
            }
        }
    }

    // Events at or after `from` that match (already published; no waiting).
    std::vector<Entry> select(std::size_t from, const Predicate& matches) const {
        const std::lock_guard lock(mutex_);
        std::vector<Entry> out;
        for (std::size_t i = from; i < entries_.size(); ++i) {
            if (matches(entries_[i].event)) out.push_back(entries_[i]);
        }
        return out;
    }

    std::vector<Entry> entries() const {
        const std::lock_guard lock(mutex_);
        return entries_;
    }

private:
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::vector<Entry> entries_;
};

}  // namespace hnbsec::timeline
