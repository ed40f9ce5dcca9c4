TLP is {% if results.tlp %}{{ results.tlp }}{% else %}unset{% endif %} today.
Payloads: {% if results.payloads > 1 %}many{% endif %}
Next line.
