TLP: {% if results.tlp %}{{ results.tlp }}{% endif %}
Count: {{ results.payloads }}
Plugins: {% for r in results.results %}{{ r.plugin }} {% endfor %}
Done {% if false %}never{% endif %}
after
