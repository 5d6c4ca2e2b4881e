#pragma once
// What the device asks its NTP and CWMP clients for, from the configuration, the learned
// inner address and the defects active at that moment. Pure functions: the place where each
// traffic defect becomes a request flag, so a unit test can read the translation directly.

#include <string>
#include <string_view>

#include "emulator/config/henb_config.h"
#include "emulator/defects/defect.h"
#include "emulator/services/cwmp_client.h"
#include "emulator/services/time_client.h"
#include "emulator/tre/tre.h"

namespace hnbsec::emulator {

// Boot step 2 ([time] inside = false): NTP in clear from the backhaul address.
TimeQuery outside_time_query(const TimeSection& time, const BackhaulSection& backhaul,
                             const DefectSet& defects);

// Boot step 5: NTP through the tunnel, from the inner address. With ntp-outside-tunnel it
// leaves in clear on the backhaul interface instead (HNB-REQ-TIME-002).
TimeQuery inside_time_query(const TimeSection& time, const BackhaulSection& backhaul,
                            const DefectSet& defects, const std::string& inner_address);

// traffic-before-auth (HNB-REQ-DEVAUTH-015): an NTP request to the operator's time server on
// the backhaul before IKE_AUTH; its answer is never used.
TimeQuery pre_auth_probe_query(const TimeSection& time, const BackhaulSection& backhaul);

// Boot step 6: Inform to the H(e)MS, from the inner address when [hems] inside.
InformRequest inform_request(const HenbConfig& config, const DefectSet& defects,
                             const std::string& inner_address, const tre::Credentials& credentials);

// "00A0C9000001.hnb.lab.test" -> serial "00A0C9000001", OUI "00A0C9" (TR-069 DeviceIdStruct).
CwmpDeviceId device_id_from_identity(std::string_view identity);

}  // namespace hnbsec::emulator
