#include "pcap/pcapng/blocks.h"

#include "pcap/pcapng/format.h"

namespace hnbsec::pcap {
namespace {

// Little-endian appender: pcapng's fields are in the section's byte order (§3.1).
class Block {
public:
    explicit Block(std::uint32_t type) {
        u32(type);
        u32(0);  // Block Total Length, patched in finish()
    }
    void u16(std::uint16_t v) {
        bytes_.push_back(static_cast<std::uint8_t>(v));
        bytes_.push_back(static_cast<std::uint8_t>(v >> 8));
    }
    void u32(std::uint32_t v) {
        u16(static_cast<std::uint16_t>(v));
        u16(static_cast<std::uint16_t>(v >> 16));
    }
    void u64(std::uint64_t v) {
        u32(static_cast<std::uint32_t>(v));
        u32(static_cast<std::uint32_t>(v >> 32));
    }
    void timestamp(std::int64_t ns) {
        const auto ts = static_cast<std::uint64_t>(ns);
        u32(static_cast<std::uint32_t>(ts >> 32));  // Timestamp (High)
        u32(static_cast<std::uint32_t>(ts));        // Timestamp (Low)
    }
    void option64(std::uint16_t code, std::uint64_t value) {
        u16(code);
        u16(8);
        u64(value);
    }
    void option_timestamp(std::uint16_t code, std::int64_t ns) {
        u16(code);
        u16(8);
        timestamp(ns);
    }
    void raw(std::span<const std::uint8_t> data) { bytes_.insert(bytes_.end(), data.begin(), data.end()); }
    void pad32() {
        while (bytes_.size() % 4 != 0) bytes_.push_back(0);
    }
    // An option (§3.5): code, length, value padded to 32 bits. Values longer than an
    // option can say are cut at 65535 octets.
    void option(std::uint16_t code, std::span<const std::uint8_t> value) {
        const std::size_t n = value.size() > 0xffff ? 0xffff : value.size();
        u16(code);
        u16(static_cast<std::uint16_t>(n));
        raw(value.first(n));
        pad32();
    }
    void option(std::uint16_t code, std::string_view text) {
        if (text.empty()) return;
        option(code, std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
    }
    std::vector<std::uint8_t> finish(bool with_options) {
        if (with_options) {
            u16(kOptEndOfOpt);
            u16(0);
        }
        const auto total = static_cast<std::uint32_t>(bytes_.size() + 4);
        u32(total);
        for (int i = 0; i < 4; ++i) bytes_[4 + i] = static_cast<std::uint8_t>(total >> (8 * i));
        return std::move(bytes_);
    }

private:
    std::vector<std::uint8_t> bytes_;
};

}  // namespace

std::vector<std::uint8_t> encode_section_header(const SectionInfo& section) {
    Block b(kBlockSectionHeader);
    b.u32(kByteOrderMagic);
    b.u16(1);                  // major version
    b.u16(0);                  // minor version
    b.u64(~std::uint64_t{0});  // section length unknown (-1): we stream
    b.option(kOptComment, section.comment);
    b.option(kShbHardware, section.hardware);
    b.option(kShbOs, section.os);
    b.option(kShbUserAppl, section.user_application);
    return b.finish(true);
}

std::vector<std::uint8_t> encode_interface_description(const CaptureInterface& interface) {
    Block b(kBlockInterfaceDescription);
    b.u16(static_cast<std::uint16_t>(interface.link_type));
    b.u16(0);  // reserved
    b.u32(interface.snap_length);
    b.option(kIfName, interface.name);
    const std::uint8_t nanoseconds = 9;  // if_tsresol: 10^-9 s (§4.2)
    b.option(kIfTsresol, std::span(&nanoseconds, 1));
    return b.finish(true);
}

std::vector<std::uint8_t> encode_enhanced_packet(std::uint32_t interface_id, std::int64_t timestamp_ns,
                                                 std::span<const std::uint8_t> data,
                                                 std::uint32_t original_length, std::string_view comment) {
    Block b(kBlockEnhancedPacket);
    b.u32(interface_id);
    b.timestamp(timestamp_ns);
    b.u32(static_cast<std::uint32_t>(data.size()));
    b.u32(original_length);
    b.raw(data);
    b.pad32();
    b.option(kOptComment, comment);
    return b.finish(!comment.empty());
}

std::vector<std::uint8_t> encode_interface_statistics(const InterfaceStatistics& statistics) {
    Block b(kBlockInterfaceStatistics);
    b.u32(statistics.interface_id);
    b.timestamp(statistics.end_ns);
    b.option_timestamp(kIsbStartTime, statistics.start_ns);
    b.option_timestamp(kIsbEndTime, statistics.end_ns);
    b.option64(kIsbIfRecv, statistics.received);
    b.option64(kIsbIfDrop, statistics.interface_dropped);
    b.option64(kIsbOsDrop, statistics.os_dropped);
    return b.finish(true);
}

std::vector<std::uint8_t> encode_decryption_secrets(std::uint32_t secrets_type,
                                                    std::span<const std::uint8_t> secrets) {
    Block b(kBlockDecryptionSecrets);
    b.u32(secrets_type);
    b.u32(static_cast<std::uint32_t>(secrets.size()));
    b.raw(secrets);
    b.pad32();
    return b.finish(false);
}

}  // namespace hnbsec::pcap
