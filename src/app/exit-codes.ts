/** 78 (EX_CONFIG, sysexits.h): what the operator must fix is the configuration or the runtime. */
export const EXIT_CONFIG = 78;
