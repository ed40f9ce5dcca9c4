start
    {%+ if true %}kept indent
    {% endif %}
    {% if true +%}
kept newline after tag
    {% endif %}
end
