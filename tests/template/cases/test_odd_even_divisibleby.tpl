{% for n in [0, 1, 2, 3, 9, 10, -3] %}
{{ n }} odd={{ n is odd }} even={{ n is even }} by3={{ n is divisibleby 3 }} by(5)={{ n is divisibleby(5) }}
{% endfor %}
