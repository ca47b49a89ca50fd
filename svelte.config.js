// Read by WXT's Svelte module (vite-plugin-svelte), svelte-check and eslint-plugin-svelte.
export default {};
