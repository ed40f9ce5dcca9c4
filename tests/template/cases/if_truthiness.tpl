{% for v in [[], {}, '', 0, 0.0, none, false, '0', ' ', [0], {'a': 0}, 1, -1, 0.1, true, nothing] %}
{{ loop.index }}:{% if v %}T{% else %}F{% endif %}
{% endfor %}
