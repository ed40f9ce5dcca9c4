{{ results.results[0].uuid|indent(4) if results.results else [1]|indent(4) }}
