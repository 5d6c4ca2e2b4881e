#pragma once
// PcapngWriter: streams a pcapng file of our own (libpcap can write neither pcapng nor
// comments): the Section Header with the capture comment first, then interfaces,
// packets with their comments and Decryption Secrets Blocks in the order they come.
// Not thread-safe: one owner (the capture thread, or a test) writes.

#include <cstdio>
#include <filesystem>
#include <memory>
#include <span>
#include <string_view>

#include "core/result.h"
#include "pcap/pcapng/blocks.h"

namespace hnbsec::pcap {

class PcapngWriter {
public:
    // Creates (truncates) `path` and writes the Section Header Block.
    static Result<PcapngWriter> create(const std::filesystem::path& path, const SectionInfo& section);

    // Writes an IDB; returns the interface ID packets refer to (0, 1, ... in order).
    Result<std::uint32_t> add_interface(const CaptureInterface& interface);

    // An EPB. `original_length` 0 means "as captured" (data.size()).
    Status write_packet(std::uint32_t interface_id, std::int64_t timestamp_ns,
                        std::span<const std::uint8_t> data, std::uint32_t original_length = 0,
                        std::string_view comment = {});

    // A DSB with TLS secrets in NSS key log format (Wireshark decrypts TLS with them).
    Status write_tls_key_log(std::string_view key_log);

    // An ISB: libpcap's counters for an interface, written after its packets.
    Status write_interface_statistics(const InterfaceStatistics& statistics);

    Status flush();
    // Flushes and closes; further writes fail. The destructor closes silently.
    Status close();

    std::uint32_t interface_count() const { return interfaces_; }
    std::uint64_t packets_written() const { return packets_; }

private:
    struct FileCloser {
        void operator()(std::FILE* f) const;
    };
    PcapngWriter(std::unique_ptr<std::FILE, FileCloser> file, std::filesystem::path path)
        : file_(std::move(file)), path_(std::move(path)) {}
    Status put(std::span<const std::uint8_t> block);

    std::unique_ptr<std::FILE, FileCloser> file_;
    std::filesystem::path path_;
    std::uint32_t interfaces_ = 0;
    std::uint64_t packets_ = 0;
};

}  // namespace hnbsec::pcap
