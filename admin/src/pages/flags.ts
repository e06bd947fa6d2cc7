import { api } from '../api.js';
import type { FeatureFlag } from '../api-types.js';
import { errorBox, fieldsOf, formatTime, h, replace, table } from '../dom.js';
import type { Page } from '../page.js';

const KEY = '^[a-z][a-z0-9_.\\-]{1,63}$';

/** Feature flags (admin.flags.*): the list with a quick on/off toggle, an edit form and per-user overrides. */
export const flagsPage: Page = (root) => {
  const list = h('div', { class: 'results' });
  const editor = h('div', { class: 'editor' });
  const outcome = h('div', { class: 'outcome', 'aria-live': 'polite' });

  const refresh = async () => {
    try {
      const { flags } = await api.flags.list();
      replace(
        list,
        flags.length === 0 ? h('p', { class: 'muted' }, 'No flags yet') : null,
        table(
          ['Key', 'Description', 'Enabled', 'Rollout', 'Overrides', 'Updated', ''],
          flags.map((flag) => [
            h('code', null, flag.key),
            flag.description,
            h(
              'button',
              {
                type: 'button',
                class: flag.enabled ? 'toggle on' : 'toggle off',
                'data-toggle': flag.key,
                'aria-pressed': String(flag.enabled),
                onclick: () => void save({ ...flag, enabled: !flag.enabled }),
              },
              flag.enabled ? 'on' : 'off',
            ),
            h('span', { 'data-rollout': flag.key }, `${flag.rolloutPercent}%`),
            String(flag.overrides.length),
            formatTime(flag.updatedAt),
            h('button', { type: 'button', 'data-edit': flag.key, onclick: () => edit(flag) }, 'Edit'),
          ]),
          { class: 'flags-table' },
        ),
      );
    } catch (error) {
      replace(list, errorBox(error));
    }
  };

  const save = async (flag: Pick<FeatureFlag, 'key' | 'description' | 'enabled' | 'rolloutPercent'>) => {
    try {
      const saved = await api.flags.set({
        key: flag.key,
        description: flag.description,
        enabled: flag.enabled,
        rolloutPercent: flag.rolloutPercent,
      });
      replace(outcome, h('p', { class: 'ok', 'data-saved': saved.key }, `Saved ${saved.key}`));
      await refresh();
      return saved;
    } catch (error) {
      replace(outcome, errorBox(error));
      return null;
    }
  };

  const edit = (flag: FeatureFlag | null) => {
    const form = h(
      'form',
      { class: 'flag-form', 'aria-label': flag ? `Edit ${flag.key}` : 'New flag' },
      h('h2', null, flag ? `Edit ${flag.key}` : 'New flag'),
      h(
        'label',
        null,
        'Key ',
        h('input', { name: 'key', required: true, pattern: KEY, value: flag?.key, readonly: Boolean(flag) }),
      ),
      h(
        'label',
        null,
        'Description ',
        h('input', { name: 'description', size: 50, maxlength: 500, value: flag?.description }),
      ),
      h(
        'label',
        null,
        h('input', { type: 'checkbox', name: 'enabled', value: 'on', checked: flag?.enabled ?? false }),
        ' Enabled',
      ),
      h(
        'label',
        null,
        'Rollout % ',
        h('input', {
          type: 'number',
          name: 'rolloutPercent',
          min: 0,
          max: 100,
          step: 1,
          required: true,
          value: flag?.rolloutPercent ?? 0,
        }),
      ),
      h('button', { type: 'submit' }, 'Save flag'),
      flag
        ? h(
            'button',
            {
              type: 'button',
              class: 'danger',
              'data-delete': flag.key,
              onclick: () => void remove(flag.key),
            },
            'Delete flag',
          )
        : null,
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const fields = fieldsOf(form);
      const saved = await save({
        key: fields.key ?? '',
        description: fields.description ?? '',
        enabled: fields.enabled === 'on',
        rolloutPercent: Number(fields.rolloutPercent ?? 0),
      });
      if (saved) edit(saved);
    });
    replace(editor, form, flag ? overrides(flag) : null);
  };

  const overrides = (flag: FeatureFlag) => {
    const add = h(
      'form',
      { class: 'toolbar', 'aria-label': 'Add override' },
      h('input', { name: 'userId', placeholder: 'user id (uuid)', required: true, size: 36 }),
      h(
        'select',
        { name: 'value' },
        h('option', { value: 'true' }, 'on'),
        h('option', { value: 'false' }, 'off'),
      ),
      h('button', { type: 'submit' }, 'Add override'),
    );
    add.addEventListener('submit', async (event) => {
      event.preventDefault();
      const fields = fieldsOf(add);
      try {
        edit(
          await api.flags.setOverride({
            key: flag.key,
            userId: fields.userId ?? '',
            value: fields.value === 'true',
          }),
        );
        await refresh();
      } catch (error) {
        replace(outcome, errorBox(error));
      }
    });
    return h(
      'section',
      { class: 'overrides' },
      h('h3', null, 'Per-user overrides'),
      table(
        ['User id', 'Value', ''],
        flag.overrides.map((override) => [
          h('code', null, override.userId),
          override.value ? 'on' : 'off',
          h(
            'button',
            {
              type: 'button',
              'data-remove-override': override.userId,
              onclick: async () => {
                try {
                  edit(await api.flags.removeOverride(flag.key, override.userId));
                  await refresh();
                } catch (error) {
                  replace(outcome, errorBox(error));
                }
              },
            },
            'Remove',
          ),
        ]),
      ),
      add,
    );
  };

  const remove = async (key: string) => {
    if (!window.confirm(`Delete the flag ${key}?`)) return;
    try {
      await api.flags.delete(key);
      replace(editor);
      replace(outcome, h('p', { class: 'ok' }, `Deleted ${key}`));
      await refresh();
    } catch (error) {
      replace(outcome, errorBox(error));
    }
  };

  replace(
    root,
    h('h1', null, 'Feature flags'),
    h('button', { type: 'button', 'data-action': 'new-flag', onclick: () => edit(null) }, 'New flag'),
    outcome,
    list,
    editor,
  );
  void refresh();
};
