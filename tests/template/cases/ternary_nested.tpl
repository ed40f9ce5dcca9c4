{% for n in [0, 1, 5, 12] %}
{{ n }}: {{ 'none' if n == 0 else 'one' if n == 1 else 'few' if n < 10 else 'many' }}
{% endfor %}
