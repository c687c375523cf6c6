// Test events per function, as in FunctionGraph's console: create from a trigger template or blank,
// save, rename, delete. They live on the server as plain JSON files (docs/console.md).
import { api } from './api.js';
import { byId, h, notify } from './dom.js';
import type { JsonEditor } from './editor.js';
import type { SavedEvent, TemplateInfo } from './types.js';

const UNSAVED = '';

export class EventsPanel {
  private urn: string | null = null;
  private saved: SavedEvent[] = [];
  private readonly select = byId<HTMLSelectElement>('event-select');
  private readonly name = byId<HTMLInputElement>('event-name');
  private readonly template = byId<HTMLSelectElement>('template-select');
  /** The event last shown per function. */
  private readonly lastShown = new Map<string, string>();

  constructor(private readonly editor: JsonEditor) {
    this.select.addEventListener('change', () => this.show(this.select.value));
    byId('save-event').addEventListener('click', () => void this.run(() => this.save()));
    byId('rename-event').addEventListener('click', () => void this.run(() => this.rename()));
    byId('delete-event').addEventListener('click', () => void this.run(() => this.remove()));
    byId('create-event').addEventListener('click', () => void this.run(() => this.create()));
    editor.onChange((check) => {
      (byId('save-event') as HTMLButtonElement).disabled = !check.ok;
    });
  }

  /** The selected event's name, or the name field's when it is not saved yet. */
  get eventName(): string {
    return this.select.value || this.name.value || 'event';
  }

  setTemplates(templates: TemplateInfo[]): void {
    this.template.append(...templates.map((t) => h('option', { value: t.name }, `${t.name}: ${t.description}`)));
  }

  // Show a function's saved events (the one shown last, else the first).
  async load(urn: string): Promise<void> {
    this.urn = urn;
    this.saved = await api.events(urn);
    const last = this.lastShown.get(urn);
    this.render(last !== undefined && this.saved.some((e) => e.name === last) ? last : this.saved[0]?.name ?? UNSAVED);
  }

  private render(selected: string): void {
    this.select.replaceChildren(h('option', { value: UNSAVED }, '— not saved —'), ...this.saved.map((e) => h('option', { value: e.name }, e.name)));
    this.show(selected);
  }

  private show(name: string): void {
    this.select.value = name;
    const event = this.saved.find((e) => e.name === name);
    if (event) this.editor.text = event.text;
    this.name.value = name;
    if (this.urn) this.lastShown.set(this.urn, name);
    (byId('rename-event') as HTMLButtonElement).disabled = !event;
    (byId('delete-event') as HTMLButtonElement).disabled = !event;
  }

  private async run(action: () => Promise<string>): Promise<void> {
    try {
      notify(await action());
    } catch (error) {
      notify((error as Error).message, true);
    }
  }

  private async reload(selected: string): Promise<void> {
    this.saved = await api.events(this.urn!);
    this.render(selected);
  }

  private async save(): Promise<string> {
    const name = this.name.value.trim();
    if (!name) throw new Error('give the test event a name first');
    await api.saveEvent(this.urn!, name, this.editor.text);
    await this.reload(name);
    return `saved test event '${name}'`;
  }

  private async rename(): Promise<string> {
    const from = this.select.value;
    const to = this.name.value.trim();
    await api.renameEvent(this.urn!, from, to);
    await this.reload(to);
    return `renamed '${from}' to '${to}'`;
  }

  private async remove(): Promise<string> {
    const name = this.select.value;
    await api.deleteEvent(this.urn!, name);
    await this.reload(UNSAVED);
    return `deleted test event '${name}'`;
  }

  // A new event from the chosen template (or {}), saved under the name field's name.
  private async create(): Promise<string> {
    const template = this.template.value;
    const event = template ? await api.template(template) : {};
    const name = this.name.value.trim() && this.select.value !== this.name.value.trim() ? this.name.value.trim() : `${template || 'blank'}-event`;
    this.editor.text = JSON.stringify(event, null, 2);
    await api.saveEvent(this.urn!, name, this.editor.text);
    await this.reload(name);
    return `created test event '${name}' from ${template ? `the ${template} template` : 'a blank event'}`;
  }
}
