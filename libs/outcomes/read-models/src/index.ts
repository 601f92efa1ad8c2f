// Filled by this library's first use case.
export {};
