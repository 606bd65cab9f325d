// Loader shim: the MedHELM taxonomy tree with this workbench's coverage and data availability, as JSON.
import {projectTaxonomyTree} from "../../data-loaders/taxonomy-tree.ts";

process.stdout.write(JSON.stringify(await projectTaxonomyTree({cwd: process.cwd(), env: process.env})));
