/** The PodConfig (config/pod-config.ts). */
export const POD_CONFIG = Symbol('PodConfig');
/** This pod's actor URL, derived once from the config's host (actorUrl). */
export const POD_ACTOR = Symbol('PodActor');
/** The environment the pod was started with (the admin password may come from it). */
export const POD_ENV = Symbol('PodEnv');
