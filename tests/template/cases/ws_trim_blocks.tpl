{% if true %}
line after if
{% endif %}
{% for i in [1, 2] %}
item {{ i }}
{% endfor %}
{{ 'var tags keep their newline' }}
last
