start
{% include '_partials/does_not_exist.tpl' ignore missing %}
{% include '_partials/footer.tpl' ignore missing %}
end
