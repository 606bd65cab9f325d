// Runs before `observable build` and `observable preview` (npm's prebuild and predev): deletes the
// cached output of every data loader whose inputs changed since it ran, saying which input changed,
// so Framework runs it again instead of reusing an output made from other inputs.
import {invalidateStaleLoaders} from "../data-loaders/site/loader-cache.ts";

invalidateStaleLoaders({log: (m) => console.log(m)});
