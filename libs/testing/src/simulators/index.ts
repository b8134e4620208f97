/** Simulators of external systems, kept out of the main entry so test harnesses don't load them. */
export * from './bhxh-gateway-simulator';
