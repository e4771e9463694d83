/** A container that needs no capability and may not gain privileges: every container of the platform. */
export const NO_PRIVILEGE_CONTAINER = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };

/**
 * The apps' and jobs' containers run as a fixed unprivileged user: the images name theirs (`USER app`) and the kubelet
 * can only enforce runAsNonRoot on a numeric one. Nothing they run needs a capability or a privilege escalation.
 */
export const RESTRICTED_CONTAINER = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  ...NO_PRIVILEGE_CONTAINER,
  seccompProfile: { type: "RuntimeDefault" },
};

/** The unprivileged user an image runs as, by number: the kubelet can only enforce runAsNonRoot on a numeric one. */
export interface ImageUser {
  readonly uid: number;
  readonly gid: number;
}

/**
 * The users of the monitoring images built here (images/): Debian's Prometheus, Alertmanager and PostgreSQL exporter
 * packages run as their `prometheus` user, VictoriaLogs as its own.
 */
export const IMAGE_USERS = {
  debianPrometheus: { uid: 100, gid: 101 },
  victoriaLogs: { uid: 10001, gid: 10001 },
} as const satisfies Record<string, ImageUser>;

/** A pod of a monitoring image, as its user; the group owns what it writes on a claim (where the volume supports it). */
export function monitoringPodSecurity({ uid, gid }: ImageUser) {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    fsGroup: gid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}
