{{ 'été 日本 😀'|tojson }} {{ ['naïve', 'tab\tnl\n']|tojson }}
{{ results.results[0].source_meta|tojson if results.results and results.results[0].source_meta else 'null' }}
