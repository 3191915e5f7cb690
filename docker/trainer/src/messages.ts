import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// zod/mini ships no messages: the English ones (as zod's classic API loads them) for the errors this container
// reports in output/failure and HTTP 400 answers. zod/mini rather than zod keeps the bundle small, so each
// container process (a training job, a model server) starts quickly.
z.config(en());
