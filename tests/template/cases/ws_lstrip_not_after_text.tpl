x    {% if true %}y{% endif %}    z
    {{ 'var' }}    {% if true %}w{% endif %}
