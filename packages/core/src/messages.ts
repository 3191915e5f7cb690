import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// zod/mini ships no messages: the English ones, as zod's classic API loads them, for every validation error users
// see (pipeline configs, Lambda events, the training container's inputs). Imported for its effect
// (`import '@mlops/core/messages'`), so package.json lists it under sideEffects: bundlers keep it.
z.config(en());
