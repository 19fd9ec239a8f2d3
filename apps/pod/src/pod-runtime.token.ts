/** DI token for the PodRuntime: the pod's core objects, built before Nest starts. */
export const POD_RUNTIME = Symbol('POD_RUNTIME');
