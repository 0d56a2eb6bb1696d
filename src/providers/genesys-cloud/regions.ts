// Facts of the Genesys Cloud platform that every Genesys provider shares — here the region list:
// one platform, one list, read by guest chat and Open Messaging alike (a provider never imports
// another provider; both import this).

/** SDK region key → environment domain (guest-chat protocol §2.2, JS SDK 18.0.0 `PureCloudRegionHosts`). */
export const GUEST_CHAT_REGIONS = {
  us_east_1: 'mypurecloud.com',
  eu_west_1: 'mypurecloud.ie',
  ap_southeast_2: 'mypurecloud.com.au',
  ap_northeast_1: 'mypurecloud.jp',
  eu_central_1: 'mypurecloud.de',
  us_west_2: 'usw2.pure.cloud',
  ca_central_1: 'cac1.pure.cloud',
  ap_northeast_2: 'apne2.pure.cloud',
  eu_west_2: 'euw2.pure.cloud',
  ap_south_1: 'aps1.pure.cloud',
  us_east_2: 'use2.us-gov-pure.cloud',
  sa_east_1: 'sae1.pure.cloud',
  me_central_1: 'mec1.pure.cloud',
  ap_northeast_3: 'apne3.pure.cloud',
  eu_central_2: 'euc2.pure.cloud',
  mx_central_1: 'mxc1.pure.cloud',
  ap_southeast_1: 'apse1.pure.cloud',
} as const;

/** The platform SDK (262) adds one region to the guest-chat SDK's list (OM protocol §1.1). */
export const GENESYS_CLOUD_REGIONS = {
  ...GUEST_CHAT_REGIONS,
  eusc_de_east_1: 'edee1.eusc-pure.cloud',
} as const;
