// Read by svelte-check and eslint-plugin-svelte; WXT's Svelte module compiles with the same defaults.
export default {};
