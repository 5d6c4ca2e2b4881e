#pragma once
// The IKEv2 profile of the emulated H(e)NB (TS 33.320 §7.2, TS 33.310 for certificates):
// the IkeSaConfig an attempt starts with, built from the configuration, bent by the
// active defect switches at the moment the attempt starts. The SeGW validator is left
// empty: the link fills it in (it needs the SA's stapled OCSP response).

#include <string>
#include <vector>

#include <openssl/evp.h>

#include "core/result.h"
#include "emulator/config/henb_config.h"
#include "emulator/defects/defect.h"
#include "emulator/segw_link/pem_certificates.h"
#include "proto/ike/sa/config.h"

namespace hnbsec::emulator {

struct IkeProfileInputs {
    const HenbConfig* config = nullptr;
    const DefectSet* defects = nullptr;
    EVP_PKEY* device_key = nullptr;    // borrowed; the signer takes a reference
    std::vector<Der> device_chain;     // device certificate first
    std::vector<Der> trust_anchors;    // CERTREQ (RFC 7296 §3.7)
    std::vector<Der> ocsp_responders;  // CERTREQ(OCSP Content) (RFC 4806 §3.1)
};

Result<ike::IkeSaConfig> make_ike_config(const IkeProfileInputs& inputs);

// Defect wrong-idi: the identity with the last hex digit of its EUI (the first label)
// changed, so IDi no longer matches the certificate.
std::string wrong_identity(const std::string& identity);

// "10.78.0.0/24" -> the address range of an IPv4 traffic selector (any protocol and port).
Result<ike::TrafficSelector> ts_from_cidr(const std::string& cidr);

// The proposal the esp-null-integrity defect puts first: AES-CBC-128 without integrity.
ike::ProposalSpec esp_without_integrity();

}  // namespace hnbsec::emulator
