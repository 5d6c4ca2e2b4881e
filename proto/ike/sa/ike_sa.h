#pragma once
// One IKEv2 SA (RFC 7296), either role, without transport or clock: the caller feeds
// datagrams and the current time, and gets back datagrams to send and typed events.
//
// States and the exchanges legal in each are data (kLegal in ike_sa.cpp); one function,
// dispatch(), decides what happens to a message; anything else is an UnexpectedMessage.
//
//   initiator: kIdle -> kInitSent -> kAuthSent -> kEstablished -> kDeleting -> kClosed
//              (kInitSent -> kInitSent again on COOKIE / INVALID_KE_PAYLOAD, §2.6, §1.2)
//   responder: kIdle -> kInitResponded -> kEstablished -> kClosed (peer's Delete)
//              (kIdle -> kClosed when IKE_SA_INIT is refused statelessly)
//   any state -> kFailed (retransmissions exhausted, authentication failed, half-open
//              timeout, ...) -> kClosed after SaTimeouts::failed_linger
//   IKE SA rekey (§1.3.2): kEstablished stays until the old SA is deleted; the new SA is a
//   new IkeSa in kEstablished, handed out by take_successor().

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "proto/ike/crypto/dh.h"
#include "proto/ike/crypto/key_schedule.h"
#include "proto/ike/decode.h"
#include "proto/ike/message.h"
#include "proto/ike/sa/config.h"
#include "proto/ike/sa/events.h"
#include "proto/ike/sa/types.h"

namespace hnbsec::ike {

enum class Role : std::uint8_t { kInitiator, kResponder };

enum class SaState : std::uint8_t {
    kIdle,
    kInitSent,       // initiator: IKE_SA_INIT request outstanding
    kAuthSent,       // initiator: IKE_AUTH request outstanding
    kInitResponded,  // responder: IKE_SA_INIT answered, waiting for IKE_AUTH
    kEstablished,
    kDeleting,  // our Delete of the IKE SA is outstanding
    kClosed,
    kFailed,
};
std::string state_name(SaState state);

class IkeSa {
public:
    // spi_local: our IKE SPI (random when 0).
    IkeSa(Role role, IkeSaConfig config, Endpoint local, Endpoint remote, std::uint64_t spi_local = 0);

    // Initiator: sends the IKE_SA_INIT request.
    Output start(TimePoint now);
    // A datagram for this SA: port 4500 bytes still carry the non-ESP marker.
    Output handle_datagram(const Datagram& datagram, TimePoint now);
    // An already decoded, unprotected message (the dispatcher decodes IKE_SA_INIT once).
    Output handle_message(const Message& message, const Bytes& raw, const Datagram& datagram, TimePoint now);

    // INFORMATIONAL requests (RFC 7296 §1.4, §2.4).
    Output delete_ike_sa(TimePoint now);
    Output delete_child_sa(std::uint32_t spi_in, TimePoint now);
    Output send_liveness_check(TimePoint now);
    // CREATE_CHILD_SA (RFC 7296 §1.3.1, §1.3.3): a new Child SA, or the rekey of the one whose
    // inbound SPI is `rekey_spi_in` (the old one is deleted once the new one is up). PFS when
    // the first ESP proposal names a DH group.
    Output create_child_sa(TimePoint now, std::optional<std::uint32_t> rekey_spi_in = std::nullopt);

    // IKE SA rekey (RFC 7296 §1.3.2). When either side completes one, take_successor()
    // hands out the new SA (Child SAs moved to it); this one is deleted and closes.
    Output rekey_ike_sa(TimePoint now);
    std::unique_ptr<IkeSa> take_successor();

    std::optional<TimePoint> next_deadline() const;
    Output on_timer(TimePoint now);

    Role role() const { return role_; }
    SaState state() const { return state_; }
    std::uint64_t spi_i() const { return spi_i_; }
    std::uint64_t spi_r() const { return spi_r_; }
    std::uint64_t spi_local() const { return role_ == Role::kInitiator ? spi_i_ : spi_r_; }
    const Endpoint& local() const { return local_; }
    const Endpoint& remote() const { return remote_; }
    bool udp_encapsulated() const { return local_.port == kNatTPort; }
    // Keys once IKE_SA_INIT completed (nullopt before).
    std::optional<IkeSaKeyExport> key_export() const;
    const std::vector<ChildSa>& child_sas() const { return children_; }
    const std::optional<Id>& peer_id() const { return peer_id_; }
    // Initiator: the DER OCSPResponse the responder stapled in IKE_AUTH (RFC 4806 §3.2).
    const std::optional<Bytes>& peer_ocsp_staple() const { return peer_ocsp_staple_; }

private:
    struct Outstanding {
        ExchangeType exchange = ExchangeType::kInformational;
        std::uint32_t message_id = 0;
        std::vector<Bytes> packets;  // wire bytes without marker (several when fragmented)
        std::vector<PayloadType> payloads;
        TimePoint deadline{};
        int tries = 1;
        enum class Purpose {
            kInit,
            kAuth,
            kDeleteIke,
            kDeleteChild,
            kLiveness,
            kCreateChild,
            kOther
        } purpose{};
    };
    struct CachedResponse {
        std::uint32_t message_id = 0;
        std::vector<Bytes> packets;
        std::vector<PayloadType> payloads;
        ExchangeType exchange = ExchangeType::kInformational;
    };
    struct Reassembly {
        std::uint32_t message_id = 0;
        bool response = false;
        std::uint16_t total = 0;
        std::map<std::uint16_t, Bytes> plaintexts;
        PayloadType first_inner = PayloadType::kNoNextPayload;
        std::size_t total_size = 0;
        IkeHeader header;
        TimePoint deadline{};
    };

    // Entry after decoding: message ID window, decryption, reassembly, legality.
    void receive(const Message& message, const Bytes& raw, const Datagram& datagram, TimePoint now);
    void dispatch(const Message& inner, const Datagram& datagram, TimePoint now);
    void answer_undecodable(const IkeHeader& h, const DecodeFailure& failure);

    void on_init_request(const Message& m, const Datagram& dg, TimePoint now);
    void on_init_response(const Message& m, TimePoint now);
    void on_auth_request(const Message& m, TimePoint now);
    void on_auth_response(const Message& m, TimePoint now);
    void on_informational_request(const Message& m, TimePoint now);
    void on_informational_response(const Message& m, TimePoint now);
    void on_create_child_request(const Message& m, TimePoint now);
    void on_create_child_response(const Message& m, TimePoint now);

    void send_init_request(TimePoint now, std::optional<Bytes> cookie);
    Status send_auth_request(TimePoint now);
    Status append_ocsp_certreq(std::vector<Payload>& p) const;
    void append_ocsp_staple(std::vector<Payload>& p, const std::optional<std::vector<Bytes>>& requested);
    Status derive_ike_keys(const Bytes& peer_ke);
    void process_nat_detection(const Message& m, bool floating_allowed);
    std::vector<Payload> nat_detection_payloads(std::uint64_t spi_i, std::uint64_t spi_r) const;

    Result<std::vector<Bytes>> protect(ExchangeType exchange, bool response, std::uint32_t message_id,
                                       const std::vector<Payload>& inner);
    Result<Bytes> plain(ExchangeType exchange, bool response, std::uint32_t message_id,
                        const std::vector<Payload>& payloads);
    void send_request(ExchangeType exchange, const std::vector<Payload>& inner, Outstanding::Purpose purpose,
                      TimePoint now);
    void send_response(ExchangeType exchange, std::uint32_t message_id, const std::vector<Payload>& inner,
                       bool protect_it);
    void transmit(const std::vector<Bytes>& packets, ExchangeType exchange, bool request,
                  std::uint32_t message_id, const std::vector<PayloadType>& payloads, bool retransmission);
    Result<Octets> sign_auth(const Bytes& real_message, const Bytes& peer_nonce, const Octets& sk_p,
                             AuthMethod* method);
    Status verify_peer_auth(const Id& id, const Auth& auth, const std::vector<Bytes>& chain,
                            const Bytes& real_message, const Bytes& my_nonce, const Octets& sk_p);
    void on_ike_rekey_request(const Message& m, const Sa& sa, const Nonce& ni, const Ke* ke);
    void on_ike_rekey_response(const Message& m, TimePoint now);
    std::unique_ptr<IkeSa> make_successor(Role role, std::uint64_t spi_i, std::uint64_t spi_r,
                                          const Suite& suite, IkeSaKeys keys);
    void schedule_keepalive();
    Status second_auth_round(const std::vector<Payload>& inner);
    void fail(std::string reason, std::optional<NotifyType> notify = std::nullopt);
    void emit(Event event) { out_.events.push_back(std::move(event)); }
    std::size_t effective_mtu() const;
    const std::vector<ProposalSpec>& ike_specs() const;
    const std::vector<ProposalSpec>& esp_specs() const;

    Role role_;
    IkeSaConfig config_;
    Endpoint local_;
    Endpoint remote_;
    SaState state_ = SaState::kIdle;
    std::uint64_t spi_i_ = 0;
    std::uint64_t spi_r_ = 0;
    Output out_;

    // IKE_SA_INIT material.
    std::optional<DhKeyPair> dh_;
    DhGroup ke_group_ = DhGroup::kNone;
    Bytes nonce_local_;
    Bytes nonce_peer_;
    Bytes init_request_;   // as sent/received (RealMessage1)
    Bytes init_response_;  // RealMessage2
    Suite suite_;
    std::optional<IkeSaKeys> keys_;
    bool peer_fragmentation_ = false;
    bool peer_multiple_auth_ = false;
    std::vector<Bytes> peer_certreq_;
    std::optional<Id> peer_id_;
    std::optional<Bytes> peer_ocsp_staple_;

    // Message IDs (RFC 7296 §2.3, window size 1).
    std::uint32_t next_request_id_ = 0;       // our next request
    std::uint32_t expected_request_id_ = 0;   // the peer's next request
    std::optional<Outstanding> outstanding_;  // our request awaiting a response
    std::optional<CachedResponse> cached_;    // our last response
    std::optional<TimePoint> delayed_until_;  // delay knob: cached_ goes out then, not before
    std::optional<Reassembly> reassembly_;
    int responses_sent_ = 0;                                        // for the drop/duplicate knobs
    Outstanding::Purpose answered_ = Outstanding::Purpose::kOther;  // request the last response answered
    const Bytes* current_raw_ = nullptr;                            // wire bytes of the message in dispatch
    int init_retries_ = 0;                                          // COOKIE / INVALID_KE retries
    std::optional<Bytes> cookie_;
    std::vector<std::uint32_t> pending_child_delete_;
    struct PendingChild {
        std::uint32_t spi_in = 0;
        std::optional<std::uint32_t> rekeyed_spi_in;
        Bytes nonce;
        std::optional<DhKeyPair> dh;
        std::vector<TrafficSelector> ts_local;
        std::vector<TrafficSelector> ts_remote;
    };
    std::optional<PendingChild> pending_child_;
    struct PendingIkeRekey {
        std::uint64_t spi = 0;
        Bytes nonce;
        std::optional<DhKeyPair> dh;
    };
    std::optional<PendingIkeRekey> pending_ike_rekey_;
    std::unique_ptr<IkeSa> successor_;
    bool peer_signature_hashes_ = false;  // RFC 7427 §4
    bool local_behind_nat_ = false;
    std::optional<TimePoint> keepalive_deadline_;
    TimePoint now_{};                          // the time of the current entry point
    std::optional<TimePoint> state_deadline_;  // half-open timeout, or end of a failed SA's linger

    // CHILD_SA material of the IKE_AUTH exchange.
    std::uint32_t child_spi_in_ = 0;
    std::vector<ChildSa> children_;
};

}  // namespace hnbsec::ike
