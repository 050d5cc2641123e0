// Copies the schemas generated from the Rust config types (editors/schema/) into
// the extension, which can only ship files inside its own folder.
const fs = require("fs");
const path = require("path");

const from = path.join(__dirname, "..", "..", "schema");
const to = path.join(__dirname, "..", "schemas");
fs.mkdirSync(to, { recursive: true });
for (const name of fs.readdirSync(from).filter((n) => n.endsWith(".schema.json"))) {
  fs.copyFileSync(path.join(from, name), path.join(to, name));
}
