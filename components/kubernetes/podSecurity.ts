/**
 * The apps' and jobs' containers run as a fixed unprivileged user: the images name theirs (`USER app`) and the kubelet
 * can only enforce runAsNonRoot on a numeric one. Nothing they run needs a capability or a privilege escalation.
 */
export const RESTRICTED_CONTAINER = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};
