export const STANCE_VERSION = '0.1.0';
