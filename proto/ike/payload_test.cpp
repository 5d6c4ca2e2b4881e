// Every payload type but SA (sa_payload_test.cpp): parse a committed payload, create it
// from values, edit a decoded one, each against testdata/payloads.hex.

#include <gtest/gtest.h>

#include "proto/ike/payload_test_support.h"

namespace hnbsec::ike {
namespace {

using testing::ascii;
using testing::encoded_hex;
using testing::fixture_hex;
using testing::hex;
using testing::parse_fixture;

Bytes counting(std::uint8_t from, std::size_t n) {
    Bytes bytes(n);
    for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<std::uint8_t>(from + i);
    return bytes;
}

// --- KE (§3.4) -------------------------------------------------------------------

TEST(KePayload, Parses) {
    Payload p = parse_fixture("ke_modp2048");
    const Ke* ke = p.as<Ke>();
    ASSERT_NE(ke, nullptr);
    EXPECT_EQ(ke->dh_group, 14);
    EXPECT_EQ(ke->reserved, 0);
    EXPECT_EQ(ke->data.size(), 256u);
}

TEST(KePayload, Creates) {
    Ke ke;
    ke.dh_group = 19;
    ke.data = counting(1, 64);
    EXPECT_EQ(encoded_hex(make_payload(PayloadType::kKe, ke)), fixture_hex("ke_ecp256"));
}

TEST(KePayload, Edits) {
    Payload p = parse_fixture("ke_ecp256");
    p.as<Ke>()->dh_group = 21;
    p.as<Ke>()->data = counting(1, 132);
    EXPECT_EQ(encoded_hex(p), fixture_hex("ke_ecp256_edited"));
}

// --- IDi / IDr (§3.5) ------------------------------------------------------------

TEST(IdPayload, ParsesIdiAndIdr) {
    Payload idi = parse_fixture("idi_fqdn");
    ASSERT_NE(idi.as<Id>(), nullptr);
    EXPECT_EQ(idi.type, PayloadType::kIdi);
    EXPECT_EQ(idi.as<Id>()->type, IdType::kFqdn);
    EXPECT_EQ(idi.as<Id>()->data, ascii("0001A2-SN0001.hnb.lab.test"));
    Payload idr = parse_fixture("idr_fqdn");
    EXPECT_EQ(idr.type, PayloadType::kIdr);
    EXPECT_EQ(idr.as<Id>()->data, ascii("segw.lab.test"));
}

TEST(IdPayload, Creates) {
    Id id;
    id.type = IdType::kFqdn;
    id.data = ascii("segw.lab.test");
    EXPECT_EQ(encoded_hex(make_payload(PayloadType::kIdr, id)), fixture_hex("idr_fqdn"));
}

TEST(IdPayload, Edits) {
    Payload p = parse_fixture("idr_fqdn");
    p.as<Id>()->type = IdType::kIpv4Addr;
    p.as<Id>()->data = {192, 168, 77, 1};
    EXPECT_EQ(encoded_hex(p), fixture_hex("idr_ipv4"));
}

TEST(IdPayload, ReservedBitsAreKept) {
    Bytes bytes = testing::fixture(testing::kPayloadsFile, "idr_ipv4").bytes;
    bytes[6] = 0x80;
    auto decoded = decode_payloads(PayloadType::kIdr, bytes);
    ASSERT_TRUE(decoded.ok()) << decoded.error().what();
    EXPECT_EQ(decoded->at(0).as<Id>()->reserved, 0x8000u);
    EXPECT_EQ(*encode_payloads(*decoded), bytes);
}

// --- CERT (§3.6) -----------------------------------------------------------------

TEST(CertPayload, ParsesRealCertificate) {
    Payload p = parse_fixture("cert_x509");
    const Cert* cert = p.as<Cert>();
    ASSERT_NE(cert, nullptr);
    EXPECT_EQ(cert->encoding, CertEncoding::kX509Signature);
    ASSERT_EQ(cert->data.size(), 879u);
    EXPECT_EQ(cert->data[0], 0x30);  // DER SEQUENCE
    EXPECT_EQ(cert->data[1], 0x82);
}

TEST(CertPayload, Creates) {
    Cert cert;
    cert.encoding = CertEncoding::kX509Signature;
    cert.data = hex("300100");
    EXPECT_EQ(encoded_hex(make_payload(PayloadType::kCert, cert)), fixture_hex("cert_x509_stub"));
}

TEST(CertPayload, Edits) {
    Payload p = parse_fixture("cert_x509_stub");
    p.as<Cert>()->encoding = CertEncoding::kOcspContent;
    EXPECT_EQ(encoded_hex(p), fixture_hex("cert_x509_stub_edited"));
}

// --- CERTREQ (§3.7) --------------------------------------------------------------

TEST(CertReqPayload, Parses) {
    Payload p = parse_fixture("certreq_x509");
    const CertReq* req = p.as<CertReq>();
    ASSERT_NE(req, nullptr);
    EXPECT_EQ(req->encoding, CertEncoding::kX509Signature);
    EXPECT_EQ(req->data, hex("21fb2b23967254274f067eee7c04422bc42593bd"));
}

TEST(CertReqPayload, Creates) {
    CertReq req;
    req.data = hex("21fb2b23967254274f067eee7c04422bc42593bd");
    EXPECT_EQ(encoded_hex(make_payload(PayloadType::kCertReq, req)), fixture_hex("certreq_x509"));
}

TEST(CertReqPayload, EditAppendsSecondCaHash) {
    Payload p = parse_fixture("certreq_x509");
    Bytes second = counting(0x20, 20);
    p.as<CertReq>()->data.insert(p.as<CertReq>()->data.end(), second.begin(), second.end());
    EXPECT_EQ(encoded_hex(p), fixture_hex("certreq_x509_edited"));
}

// --- AUTH (§3.8) -----------------------------------------------------------------

TEST(AuthPayload, ParsesRealDigitalSignature) {
    Payload p = parse_fixture("auth_digital_signature");
    const Auth* auth = p.as<Auth>();
    ASSERT_NE(auth, nullptr);
    EXPECT_EQ(auth->method, AuthMethod::kDigitalSignature);
    // RFC 7427 §3: ASN.1 length octet, then AlgorithmIdentifier sha256WithRSAEncryption.
    ASSERT_EQ(auth->data.size(), 272u);
    EXPECT_EQ(auth->data[0], 15);
    EXPECT_EQ(Bytes(auth->data.begin() + 1, auth->data.begin() + 16), hex("300d06092a864886f70d01010b0500"));
}

TEST(AuthPayload, Creates) {
    Auth auth;
    auth.method = AuthMethod::kSharedKeyMic;
    auth.data = counting(0xa0, 16);
    EXPECT_EQ(encoded_hex(make_payload(PayloadType::kAuth, auth)), fixture_hex("auth_psk"));
}

TEST(AuthPayload, Edits) {
    Payload p = parse_fixture("auth_psk");
    p.as<Auth>()->method = AuthMethod::kEcdsaSha256P256;
    EXPECT_EQ(encoded_hex(p), fixture_hex("auth_psk_edited"));
}

// --- Nonce (§3.9) ----------------------------------------------------------------

TEST(NoncePayload, Parses) {
    Payload p = parse_fixture("nonce");
    ASSERT_NE(p.as<Nonce>(), nullptr);
    EXPECT_EQ(p.as<Nonce>()->data.size(), 32u);
}

TEST(NoncePayload, Creates) {
    EXPECT_EQ(encoded_hex(make_payload(PayloadType::kNonce, Nonce{counting(0, 16)})),
              fixture_hex("nonce_16"));
}

TEST(NoncePayload, Edits) {
    Payload p = parse_fixture("nonce_16");
    Bytes& data = p.as<Nonce>()->data;
    Bytes copy = data;
    data.insert(data.end(), copy.begin(), copy.end());
    EXPECT_EQ(encoded_hex(p), fixture_hex("nonce_16_edited"));
}

// --- Notify (§3.10) --------------------------------------------------------------

TEST(NotifyPayload, ParsesRealStatusNotifications) {
    Payload nat = parse_fixture("notify_nat_detection_source_ip");
    const Notify* n = nat.as<Notify>();
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(n->type, NotifyType::kNatDetectionSourceIp);
    EXPECT_EQ(static_cast<int>(n->protocol), 0);
    EXPECT_TRUE(n->spi.empty());
    EXPECT_EQ(n->data.size(), 20u);  // SHA-1

    Payload hashes = parse_fixture("notify_signature_hash_algorithms");
    EXPECT_EQ(hashes.as<Notify>()->type, NotifyType::kSignatureHashAlgorithms);
    EXPECT_EQ(hashes.as<Notify>()->data, hex("0002000300040005"));

    Payload frag = parse_fixture("notify_fragmentation_supported");
    EXPECT_EQ(frag.as<Notify>()->type, NotifyType::kIkev2FragmentationSupported);
    EXPECT_TRUE(frag.as<Notify>()->data.empty());
}

TEST(NotifyPayload, CreatesWithSpi) {
    Notify n;
    n.protocol = ProtocolId::kEsp;
    n.spi = hex("11863e9d");
    n.type = NotifyType::kRekeySa;
    EXPECT_EQ(encoded_hex(make_payload(PayloadType::kNotify, n)), fixture_hex("notify_rekey_sa"));
}

TEST(NotifyPayload, EditsSpiSizeFollows) {
    Payload p = parse_fixture("notify_rekey_sa");
    p.as<Notify>()->protocol = ProtocolId::kIke;
    p.as<Notify>()->spi = hex("0011223344556677");
    p.as<Notify>()->data = hex("8899");
    EXPECT_EQ(encoded_hex(p), fixture_hex("notify_rekey_sa_edited"));
}

TEST(NotifyPayload, RejectsSpiSizeBeyondPayload) {
    Bytes bytes = testing::fixture(testing::kPayloadsFile, "notify_rekey_sa").bytes;
    bytes[5] = 9;  // SPI Size 9, 6 octets left after it
    auto r = decode_payloads(PayloadType::kNotify, bytes, "test");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().what(),
              "test: payload 1 (Notify): SPI Size 9 at offset 5 needs at least 9 bytes, 6 bytes left");
    bytes[5] = 5;  // fits the payload, but the type comes first: 4 octets left for the SPI
    auto r2 = decode_payloads(PayloadType::kNotify, bytes, "test");
    ASSERT_FALSE(r2.ok());
    EXPECT_EQ(r2.error().what(), "test: payload 1 (Notify): SPI: 5 bytes needed at offset 8, 4 bytes left");
}

// --- Delete (§3.11) --------------------------------------------------------------

TEST(DeletePayload, Parses) {
    Payload p = parse_fixture("delete_esp");
    const Delete* d = p.as<Delete>();
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->protocol, ProtocolId::kEsp);
    EXPECT_EQ(d->spi_size, 4);
    ASSERT_EQ(d->spis.size(), 2u);
    EXPECT_EQ(d->spis[0], hex("11863e9d"));
    EXPECT_EQ(d->spis[1], hex("39d5e18c"));

    Payload ike = parse_fixture("delete_ike");
    EXPECT_EQ(ike.as<Delete>()->protocol, ProtocolId::kIke);
    EXPECT_EQ(ike.as<Delete>()->spi_size, 0);
    EXPECT_TRUE(ike.as<Delete>()->spis.empty());
}

TEST(DeletePayload, Creates) {
    Delete d{ProtocolId::kEsp, 4, {hex("11863e9d"), hex("39d5e18c")}};
    EXPECT_EQ(encoded_hex(make_payload(PayloadType::kDelete, d)), fixture_hex("delete_esp"));
    EXPECT_EQ(encoded_hex(make_payload(PayloadType::kDelete, Delete{})), fixture_hex("delete_ike"));
}

TEST(DeletePayload, Edits) {
    Payload p = parse_fixture("delete_esp");
    p.as<Delete>()->spis.pop_back();
    EXPECT_EQ(encoded_hex(p), fixture_hex("delete_esp_edited"));
}

TEST(DeletePayload, RejectsSpisNotFillingPayload) {
    Bytes bytes = testing::fixture(testing::kPayloadsFile, "delete_esp").bytes;
    bytes[7] = 1;  // Num of SPIs 1, but 8 octets of SPIs
    auto r = decode_payloads(PayloadType::kDelete, bytes, "test");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(
        r.error().what(),
        "test: payload 1 (Delete): Payload Length 16 covers 4 bytes after the last field, at offset 12");
}

TEST(DeletePayload, EncoderRejectsSpiOfWrongSize) {
    Delete d{ProtocolId::kEsp, 4, {hex("11863e9d"), hex("39d5e1")}};
    auto r = encode_payloads(std::vector<Payload>{make_payload(PayloadType::kDelete, d)});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().what(), "encoding payloads: payload 1 (Delete): SPI 2: SPI has 3 bytes, 4 expected");
}

// --- Vendor ID (§3.12) -----------------------------------------------------------

TEST(VendorIdPayload, Parses) {
    Payload p = parse_fixture("vendor_id");
    ASSERT_NE(p.as<VendorId>(), nullptr);
    EXPECT_EQ(p.as<VendorId>()->data, hex("882fe56d6fd20dbc2251613b2ebe5beb"));
}

TEST(VendorIdPayload, Creates) {
    EXPECT_EQ(
        encoded_hex(make_payload(PayloadType::kVendorId, VendorId{hex("882fe56d6fd20dbc2251613b2ebe5beb")})),
        fixture_hex("vendor_id"));
}

TEST(VendorIdPayload, Edits) {
    Payload p = parse_fixture("vendor_id");
    p.as<VendorId>()->data.push_back(0x01);
    EXPECT_EQ(encoded_hex(p), fixture_hex("vendor_id_edited"));
}

// --- TSi / TSr (§3.13) -----------------------------------------------------------

TEST(TsPayload, ParsesRealSelectors) {
    Payload tsi = parse_fixture("tsi_any");
    ASSERT_NE(tsi.as<Ts>(), nullptr);
    ASSERT_EQ(tsi.as<Ts>()->selectors.size(), 1u);
    const TrafficSelector& any = tsi.as<Ts>()->selectors[0];
    EXPECT_EQ(any.type, TsType::kIpv4AddrRange);
    EXPECT_EQ(any.ip_protocol, 0);
    EXPECT_EQ(any.start_port, 0);
    EXPECT_EQ(any.end_port, 65535);
    EXPECT_EQ(any.start_address, hex("00000000"));
    EXPECT_EQ(any.end_address, hex("ffffffff"));

    Payload tsr = parse_fixture("tsr_core");
    EXPECT_EQ(tsr.type, PayloadType::kTsr);
    EXPECT_EQ(tsr.as<Ts>()->selectors[0].start_address, hex("0a4e0000"));
    EXPECT_EQ(tsr.as<Ts>()->selectors[0].end_address, hex("0a4e00ff"));
}

TEST(TsPayload, CreatesIpv6Selector) {
    TrafficSelector s{TsType::kIpv6AddrRange,
                      6,
                      500,
                      500,
                      hex("20010db8000000000000000000000001"),
                      hex("20010db80000000000000000000000ff")};
    EXPECT_EQ(encoded_hex(make_payload(PayloadType::kTsr, Ts{{s}})), fixture_hex("tsr_ipv6_tcp"));
}

TEST(TsPayload, EditAddsSelector) {
    Payload p = parse_fixture("tsr_ipv6_tcp");
    p.as<Ts>()->selectors.push_back(
        TrafficSelector{TsType::kIpv4AddrRange, 17, 4500, 4500, hex("0a4e0001"), hex("0a4e0001")});
    EXPECT_EQ(encoded_hex(p), fixture_hex("tsr_ipv6_tcp_edited"));
}

TEST(TsPayload, UnknownTsTypeSplitsAddressesInHalves) {
    // TS type 9 (RFC 4595 TS_FC_ADDR_RANGE): 8 + 2 * 4 octets.
    Bytes bytes =
        hex("00000018"
            "01000000"
            "09000010"
            "00000000"
            "00010203"
            "00040506");
    auto decoded = decode_payloads(PayloadType::kTsi, bytes);
    ASSERT_TRUE(decoded.ok()) << decoded.error().what();
    const TrafficSelector& s = decoded->at(0).as<Ts>()->selectors.at(0);
    EXPECT_EQ(s.start_address, hex("00010203"));
    EXPECT_EQ(s.end_address, hex("00040506"));
    EXPECT_EQ(*encode_payloads(*decoded), bytes);
}

TEST(TsPayload, RejectsSelectorLengthNotMatchingType) {
    Bytes bytes = testing::fixture(testing::kPayloadsFile, "tsi_any").bytes;
    bytes[11] = 0x0c;  // Selector Length 12 for an IPv4 range (needs 16)
    auto r = decode_payloads(PayloadType::kTsi, bytes, "test");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().what(),
              "test: payload 1 (TSi): selector 1: Ending Address: 4 bytes needed at offset 20, 0 bytes left");
}

// --- SK (§3.14) and SKF (RFC 7383 §2.5) ------------------------------------------

TEST(SkPayload, ParsesFirstInnerAndKeepsBytes) {
    Payload p = parse_fixture("sk");
    const Sk* sk = p.as<Sk>();
    ASSERT_NE(sk, nullptr);
    EXPECT_EQ(sk->first_inner, PayloadType::kIdi);
    EXPECT_EQ(sk->encrypted, hex("00112233445566778899aabbccddeeff"));
}

TEST(SkPayload, Creates) {
    Sk sk{PayloadType::kIdi, hex("00112233445566778899aabbccddeeff")};
    EXPECT_EQ(encoded_hex(make_payload(PayloadType::kSk, sk)), fixture_hex("sk"));
}

TEST(SkPayload, Edits) {
    Payload p = parse_fixture("sk");
    p.as<Sk>()->first_inner = PayloadType::kNotify;
    EXPECT_EQ(encoded_hex(p), fixture_hex("sk_edited"));
}

TEST(SkfPayload, ParsesRealFragment) {
    Payload p = parse_fixture("skf_fragment_2");
    const Skf* skf = p.as<Skf>();
    ASSERT_NE(skf, nullptr);
    EXPECT_EQ(skf->fragment_number, 2);
    EXPECT_EQ(skf->total_fragments, 2);
    EXPECT_EQ(skf->first_inner, PayloadType::kNoNextPayload);
    EXPECT_EQ(skf->encrypted.size(), 272u);  // IV 16 + 240 ciphertext + ICV 16
}

TEST(SkfPayload, Creates) {
    Skf skf{1, 3, PayloadType::kIdi, hex("aabbccdd")};
    EXPECT_EQ(encoded_hex(make_payload(PayloadType::kSkf, skf)), fixture_hex("skf_small"));
}

TEST(SkfPayload, Edits) {
    Payload p = parse_fixture("skf_small");
    p.as<Skf>()->fragment_number = 2;
    p.as<Skf>()->first_inner = PayloadType::kNoNextPayload;
    EXPECT_EQ(encoded_hex(p), fixture_hex("skf_small_edited"));
}

// --- CP (§3.15) ------------------------------------------------------------------

TEST(CpPayload, ParsesRealRequestAndReply) {
    Payload req = parse_fixture("cp_request");
    const Cp* cp = req.as<Cp>();
    ASSERT_NE(cp, nullptr);
    EXPECT_EQ(cp->type, CpType::kRequest);
    ASSERT_EQ(cp->attributes.size(), 2u);
    EXPECT_EQ(cp->attributes[0].type, CpAttributeType::kInternalIp4Address);
    EXPECT_TRUE(cp->attributes[0].value.empty());
    EXPECT_EQ(cp->attributes[1].type, CpAttributeType::kInternalIp4Dns);

    Payload reply = parse_fixture("cp_reply");
    EXPECT_EQ(reply.as<Cp>()->type, CpType::kReply);
    EXPECT_EQ(reply.as<Cp>()->attributes.at(0).value, hex("0a4d0001"));
    EXPECT_EQ(reply.as<Cp>()->attributes.at(1).value, hex("0a4e0035"));
}

TEST(CpPayload, Creates) {
    Cp cp{CpType::kReply,
          {{CpAttributeType::kInternalIp4Address, hex("0a4d0001")},
           {CpAttributeType::kInternalIp4Dns, hex("0a4e0035")}}};
    EXPECT_EQ(encoded_hex(make_payload(PayloadType::kCp, cp)), fixture_hex("cp_reply"));
}

TEST(CpPayload, Edits) {
    Payload p = parse_fixture("cp_reply");
    p.as<Cp>()->attributes[0].value = hex("0a4d0002");
    p.as<Cp>()->attributes.push_back({CpAttributeType::kInternalIp4Subnet, hex("0a4e0000ffffff00")});
    EXPECT_EQ(encoded_hex(p), fixture_hex("cp_reply_edited"));
}

TEST(CpPayload, ReservedBitIsKept) {
    Bytes bytes = testing::fixture(testing::kPayloadsFile, "cp_request").bytes;
    bytes[8] |= 0x80;  // R bit of the first attribute
    auto decoded = decode_payloads(PayloadType::kCp, bytes);
    ASSERT_TRUE(decoded.ok()) << decoded.error().what();
    EXPECT_TRUE(decoded->at(0).as<Cp>()->attributes[0].reserved);
    EXPECT_EQ(decoded->at(0).as<Cp>()->attributes[0].type, CpAttributeType::kInternalIp4Address);
    EXPECT_EQ(*encode_payloads(*decoded), bytes);
}

// --- EAP (§3.16) -----------------------------------------------------------------

TEST(EapPayload, Parses) {
    Payload p = parse_fixture("eap_identity");
    ASSERT_NE(p.as<Eap>(), nullptr);
    EXPECT_EQ(p.as<Eap>()->packet, hex("020100090175736572"));
}

TEST(EapPayload, Creates) {
    EXPECT_EQ(encoded_hex(make_payload(PayloadType::kEap, Eap{hex("020100090175736572")})),
              fixture_hex("eap_identity"));
}

TEST(EapPayload, Edits) {
    Payload p = parse_fixture("eap_identity");
    p.as<Eap>()->packet[1] = 2;
    EXPECT_EQ(encoded_hex(p), fixture_hex("eap_identity_edited"));
}

// --- unknown payload types (§2.5) ------------------------------------------------

TEST(UnknownPayload, NonCriticalIsKept) {
    Payload p = parse_fixture("unknown_49");
    EXPECT_EQ(p.type, static_cast<PayloadType>(49));
    EXPECT_FALSE(p.critical);
    ASSERT_NE(p.as<Unknown>(), nullptr);
    EXPECT_EQ(p.as<Unknown>()->body, hex("deadbeef"));
    EXPECT_EQ(encoded_hex(p), fixture_hex("unknown_49"));
}

TEST(UnknownPayload, CreatesAnyBodyUnderAnyType) {
    Payload p = make_payload(static_cast<PayloadType>(49), Unknown{hex("deadbeef")});
    EXPECT_EQ(encoded_hex(p), fixture_hex("unknown_49"));
    p.critical = true;
    EXPECT_EQ(encoded_hex(p), fixture_hex("unknown_49_critical"));
}

TEST(UnknownPayload, CriticalIsUnsupportedCriticalPayload) {
    testing::Fixture f = testing::fixture(testing::kPayloadsFile, "unknown_49_critical");
    DecodeFailure failure;
    auto r = decode_payloads(static_cast<PayloadType>(49), f.bytes, "IKE_AUTH request", &failure);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().what(),
              "IKE_AUTH request: payload 1 (PAYLOAD(49)): UNSUPPORTED_CRITICAL_PAYLOAD: payload type 49 at "
              "offset 0 "
              "is not supported and has the critical bit set (RFC 7296 §2.5)");
    EXPECT_EQ(failure.notify, NotifyType::kUnsupportedCriticalPayload);
    EXPECT_EQ(failure.notify_data, Bytes{49});
}

TEST(UnknownPayload, CriticalBitOnKnownTypeIsIgnoredButKept) {
    Bytes bytes = testing::fixture(testing::kPayloadsFile, "nonce_16").bytes;
    bytes[1] = 0x80;
    auto decoded = decode_payloads(PayloadType::kNonce, bytes);
    ASSERT_TRUE(decoded.ok()) << decoded.error().what();
    EXPECT_TRUE(decoded->at(0).critical);
    EXPECT_NE(decoded->at(0).as<Nonce>(), nullptr);
    EXPECT_EQ(*encode_payloads(*decoded), bytes);
}

TEST(GenericHeader, ReservedBitsAreKept) {
    Bytes bytes = testing::fixture(testing::kPayloadsFile, "nonce_16").bytes;
    bytes[1] = 0x7f;
    auto decoded = decode_payloads(PayloadType::kNonce, bytes);
    ASSERT_TRUE(decoded.ok()) << decoded.error().what();
    EXPECT_FALSE(decoded->at(0).critical);
    EXPECT_EQ(decoded->at(0).reserved, 0x7f);
    EXPECT_EQ(*encode_payloads(*decoded), bytes);
}

}  // namespace
}  // namespace hnbsec::ike
