// The sample account every template's ids and URNs use (region, project, domain).
export const REGION = 'cn-north-4';
export const PROJECT = '5a3d9c1e8f7b4c2d9e0f1a2b3c4d5e6f';
export const DOMAIN = '9c8b7a6f5e4d4c3b2a1f0e9d8c7b6a5f';
