#include "pcap/timeline/inspect.h"

#include <array>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "pcap/dissect/summary.h"
#include "pcap/timeline/esp_sa_decryptor.h"
#include "pcap/timeline/format.h"
#include "proto/ike/udp_encapsulation.h"

namespace hnbsec::pcap {
namespace {

// Lines are batched into one buffer and written in large chunks: an fwrite per record
// (lock, copy, bookkeeping) cost as much as formatting the line on a 200k-packet capture.
constexpr std::size_t kFlushAt = std::size_t{1} << 18U;

// Two threads. This one reads and dissects, decrypting ESP (the dissector's state runs in
// capture order). The helper finishes the summaries, formats and writes; and, when the
// capture is mapped and the keys are an EspSaDecryptor, it runs the ICV checks and
// decryptions of the next batch's ESP packets while this thread dissects the current
// one (EspSaDecryptor::precompute()): the two halves of the work are then about even.
// Packets travel in batches whose records and buffers are reused: nothing is copied.
constexpr std::size_t kBatchPackets = 256;
constexpr std::size_t kBatches = 6;

struct Batch {
    std::vector<TimelineBuilder::Pending> pending;  // read ahead: [0, read)
    std::size_t read = 0;
    std::vector<EspSaDecryptor::Ahead> ahead;  // per pending packet
    bool ahead_done = false;
    std::vector<TimelineRecord> records;  // [0, count): this batch's records, in order
    std::size_t count = 0;
    std::vector<std::string> section_comments;  // the first batch: as known after packet 1
};

// Where ESP sits in the common frame: Ethernet without VLAN tags or a raw IP link, IPv4
// without options and not a fragment, ESP as IP protocol 50 or in UDP to or from port
// 4500 past a non-zero SPI (RFC 3948 §2.2). The same octets the dissector will hand to
// the decryptor; a packet not found here (IPv6, fragments) is decrypted by the dissector
// itself, so this need not be complete, only exact.
struct EspSpot {
    std::span<const std::uint8_t> esp;
    Address source;
    Address destination;
};

std::uint16_t be16(const std::uint8_t* p) {
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

std::optional<EspSpot> find_esp(LinkType link, std::span<const std::uint8_t> frame) {
    std::span<const std::uint8_t> ip;
    if (link == LinkType::kEthernet) {
        if (frame.size() < 14 || be16(frame.data() + 12) != 0x0800) return std::nullopt;
        ip = frame.subspan(14);
    } else if (link == LinkType::kRaw || link == LinkType::kIpv4) {
        ip = frame;
    } else {
        return std::nullopt;
    }
    if (ip.size() < 20 || ip[0] != 0x45) return std::nullopt;
    const std::uint16_t total = be16(ip.data() + 2);
    if (total < 20 || (be16(ip.data() + 6) & 0x3fffU) != 0) return std::nullopt;  // MF or an offset
    std::span<const std::uint8_t> payload = ip.subspan(20);
    if (payload.size() > total - 20U) payload = payload.first(total - 20U);
    EspSpot spot;
    spot.source.version = spot.destination.version = 4;
    std::copy(ip.begin() + 12, ip.begin() + 16, spot.source.bytes.begin());
    std::copy(ip.begin() + 16, ip.begin() + 20, spot.destination.bytes.begin());
    if (ip[9] == 50) {
        spot.esp = payload;
        return spot;
    }
    if (ip[9] != 17 || payload.size() < 8) return std::nullopt;
    const std::uint16_t length = be16(payload.data() + 4);
    if ((be16(payload.data()) != 4500 && be16(payload.data() + 2) != 4500) || length < 8) return std::nullopt;
    std::span<const std::uint8_t> datagram = payload.subspan(8);
    if (datagram.size() > length - 8U) datagram = datagram.first(length - 8U);
    // The dissector's own rule for port 4500 (non-ESP marker, keepalive, ESP).
    const auto classified = ike::classify_udp4500(datagram);
    if (classified.kind != ike::Udp4500Kind::kEsp) return std::nullopt;
    spot.esp = classified.packet;
    return spot;
}

class Writer {
public:
    Writer(bool json, std::FILE* out) : json_(json), out_(out) {
        buffer_.reserve(kFlushAt + 4096);  // reused: no allocation per record once it has grown
        if (json_) buffer_ += '[';
    }

    void write(Batch& batch) {
        for (std::size_t i = 0; i < batch.count; ++i) {
            TimelineRecord& record = batch.records[i];
            set_summary(record.dissection);  // left to this thread by the builder
            if (first_) start_ = record.time_ns;
            if (json_) {
                buffer_ += first_ ? "\n" : ",\n";
                buffer_ += to_json(record).dump();
            } else {
                // The section header's comments are known once the first packet was read.
                if (first_) {
                    for (const auto& c : batch.section_comments) {
                        buffer_ += "# capture comment: ";
                        buffer_ += c;
                        buffer_ += '\n';
                    }
                }
                append_text(buffer_, record, start_);
                buffer_ += '\n';
            }
            first_ = false;
            if (buffer_.size() >= kFlushAt) flush();
        }
    }

    void finish() {
        if (json_) buffer_ += first_ ? "]\n" : "\n]\n";
        flush();
        static_cast<void>(std::fflush(out_));
    }

private:
    void flush() {
        if (buffer_.empty()) return;
        static_cast<void>(std::fwrite(buffer_.data(), 1, buffer_.size(), out_));
        buffer_.clear();
    }

    bool json_;
    std::FILE* out_;
    std::string buffer_;
    std::int64_t start_ = 0;
    bool first_ = true;
};

// The helper thread and what passes between it and the reading thread.
class Helper {
public:
    Helper(Writer& writer, const EspSaDecryptor* esp) : writer_(writer), esp_(esp) {
        for (Batch& b : batches_) {
            b.pending.resize(kBatchPackets);
            b.ahead.resize(kBatchPackets);
            b.records.resize(2 * kBatchPackets);  // an outer and an inner record per packet at most
            free_.push_back(&b);
        }
        thread_ = std::thread([this] { run(); });
    }
    Helper(const Helper&) = delete;
    Helper& operator=(const Helper&) = delete;
    ~Helper() {
        {
            const std::lock_guard lock(mutex_);
            done_ = true;
        }
        changed_.notify_all();
        thread_.join();
    }

    Batch* take_free() {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !free_.empty(); });
        Batch* batch = free_.front();
        free_.pop_front();
        batch->read = batch->count = 0;
        batch->ahead_done = false;
        return batch;
    }
    void decrypt_ahead(Batch* batch) { push({batch, true}); }
    void wait_ahead(Batch* batch) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return batch->ahead_done; });
    }
    void write(Batch* batch) { push({batch, false}); }

private:
    struct Job {
        Batch* batch;
        bool ahead;  // else: write
    };

    void push(Job job) {
        {
            const std::lock_guard lock(mutex_);
            jobs_.push_back(job);
        }
        changed_.notify_all();
    }

    void run() {
        for (;;) {
            Job job{};
            {
                std::unique_lock lock(mutex_);
                changed_.wait(lock, [&] { return !jobs_.empty() || done_; });
                if (jobs_.empty()) return;
                job = jobs_.front();
                jobs_.pop_front();
            }
            if (job.ahead) {
                Batch& b = *job.batch;
                for (std::size_t i = 0; i < b.read; ++i) {
                    b.ahead[i].packet = nullptr;
                    if (auto spot = find_esp(b.pending[i].link, b.pending[i].data)) {
                        esp_->precompute(spot->esp, spot->source, spot->destination, b.ahead[i]);
                    }
                }
            } else {
                writer_.write(*job.batch);
            }
            {
                const std::lock_guard lock(mutex_);
                if (job.ahead) {
                    job.batch->ahead_done = true;
                } else {
                    free_.push_back(job.batch);
                }
            }
            changed_.notify_all();
        }
    }

    Writer& writer_;
    const EspSaDecryptor* esp_;
    std::array<Batch, kBatches> batches_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Job> jobs_;
    std::deque<Batch*> free_;
    bool done_ = false;
    std::thread thread_;
};

}  // namespace

Result<TimelineStats> write_inspection(CaptureReader& reader, const TimelineOptions& options, bool json,
                                       std::FILE* out) {
    Writer writer(json, out);
    // Decrypting ahead needs packets read before they are dissected, so their data must
    // outlive the reader's next packet (a mapped file).
    auto* esp = dynamic_cast<EspSaDecryptor*>(options.esp);
    const bool ahead = esp != nullptr && reader.data_outlives_next();
    TimelineBuilder builder(reader, options, false);
    std::optional<Error> failure;
    {
        Helper helper(writer, ahead ? esp : nullptr);
        bool first = true;
        bool more = true;
        // Reads up to a batch of packets into `batch` (ahead) or dissects them as they are read.
        auto fill = [&](Batch* batch) {
            for (std::size_t n = 0; more && n < kBatchPackets; ++n) {
                Result<bool> next(false);
                if (ahead) {
                    next = builder.read(batch->pending[batch->read]);
                } else {
                    bool has_inner = false;
                    next = builder.next(batch->records[batch->count], batch->records[batch->count + 1],
                                        has_inner);
                    if (next.ok() && *next) batch->count += has_inner ? 2 : 1;
                }
                if (!next.ok()) {
                    failure = std::move(next).error();
                    break;
                }
                more = *next;
                if (!more) break;
                if (first) batch->section_comments = reader.section_comments();
                first = false;
                batch->read += 1;
            }
        };
        auto dissect = [&](Batch* batch) {
            esp->use_ahead(std::span(batch->ahead.data(), batch->read));
            for (std::size_t i = 0; i < batch->read; ++i) {
                bool has_inner = false;
                builder.dissect(batch->pending[i], batch->records[batch->count],
                                batch->records[batch->count + 1], has_inner);
                batch->count += has_inner ? 2 : 1;
            }
            esp->use_ahead({});
        };
        if (!ahead) {
            while (more && !failure) {
                Batch* batch = helper.take_free();
                fill(batch);
                helper.write(batch);
            }
        } else {
            Batch* current = helper.take_free();
            fill(current);
            helper.decrypt_ahead(current);
            while (current != nullptr) {
                Batch* next = nullptr;
                if (more && !failure) {
                    next = helper.take_free();
                    fill(next);
                    helper.decrypt_ahead(next);
                }
                helper.wait_ahead(current);
                dissect(current);
                helper.write(current);
                current = next;
            }
        }
    }  // the helper has written every batch
    writer.finish();
    if (failure) return std::move(*failure);
    return builder.stats();
}

}  // namespace hnbsec::pcap
