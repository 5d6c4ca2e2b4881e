#pragma once
// CaptureReader: streams packets out of a pcap file (either byte order, µs or ns
// timestamps) or a pcapng file (SHB, IDB, EPB, SPB, DSB; other blocks skipped): a regular
// file is mapped, anything else (a pipe) read in chunks, and packets are handed out in
// place, never copied. Bounded: every length field is checked against what is
// left of the block and against kMaxBlockSize before it is trusted, and every error
// names the block (by number and file offset), the field and what was expected.

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "pcap/pcapng/packet.h"

namespace hnbsec::pcap {

enum class CaptureFormat { kPcap, kPcapng };

// A Decryption Secrets Block (pcapng §4.7), e.g. a TLS key log.
struct DecryptionSecrets {
    std::uint32_t type = 0;
    std::vector<std::uint8_t> data;
};

class CaptureReader {
public:
    static Result<CaptureReader> open(const std::filesystem::path& path);
    // Reads from a copy of `bytes` (tests, fuzzing).
    static Result<CaptureReader> from_bytes(std::vector<std::uint8_t> bytes);

    CaptureReader(CaptureReader&&) noexcept;
    CaptureReader& operator=(CaptureReader&&) noexcept;
    ~CaptureReader();

    CaptureFormat format() const;

    // The next packet, or nullopt at the end of the file. The view is valid until the
    // next call (its data: see below). After an error the reader stays failed.
    Result<std::optional<PacketView>> next();
    // True when the packets' data stay valid as long as the reader, not only until the
    // next call: the file is mapped (a regular file) or the reader has its bytes
    // (from_bytes()). The comment view is valid until the next call either way.
    bool data_outlives_next() const;

    // What the blocks read so far declared: interfaces of the current section, every
    // section's comments, every DSB.
    const std::vector<CaptureInterface>& interfaces() const;
    const std::vector<std::string>& section_comments() const;
    const std::vector<DecryptionSecrets>& decryption_secrets() const;

private:
    struct State;
    explicit CaptureReader(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

// Reads the whole file: every packet copied (tests and small captures).
struct OwnedPacket {
    std::uint32_t interface_id = 0;
    std::int64_t timestamp_ns = 0;
    std::uint32_t original_length = 0;
    std::vector<std::uint8_t> data;
    std::string comment;
};
struct CaptureContents {
    CaptureFormat format = CaptureFormat::kPcapng;
    std::vector<CaptureInterface> interfaces;
    std::vector<std::string> section_comments;
    std::vector<DecryptionSecrets> decryption_secrets;
    std::vector<OwnedPacket> packets;
};
Result<CaptureContents> read_capture(const std::filesystem::path& path);
Result<CaptureContents> read_capture(CaptureReader reader);

}  // namespace hnbsec::pcap
