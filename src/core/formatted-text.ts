/**
 * Plain text with Telegram message entities. User-controlled text (fan names, captions) is
 * never interpolated into Markdown or HTML: it is appended as plain text and styling is
 * described by entities, whose offsets are UTF-16 code units (JavaScript string indices).
 */

export type EntityType = 'bold' | 'italic' | 'code' | 'underline' | 'text_link';

export interface TextEntity {
  type: EntityType;
  offset: number;
  length: number;
  /** The address of a `text_link`. */
  url?: string;
}

/** A text ready for sendMessage / editMessageText (`text` + `entities`, no parse_mode). */
export interface FormattedText {
  text: string;
  entities: TextEntity[];
}

/** Builds a FormattedText piece by piece. */
export class TextBuilder {
  private text = '';
  private readonly entities: TextEntity[] = [];

  /** Appends text as is. */
  plain(value: string): this {
    this.text += value;
    return this;
  }

  /** Appends styled text (empty values add nothing). */
  styled(type: EntityType, value: string): this {
    if (value.length > 0) {
      this.entities.push({ type, offset: this.text.length, length: value.length });
      this.text += value;
    }
    return this;
  }

  bold(value: string): this {
    return this.styled('bold', value);
  }

  italic(value: string): this {
    return this.styled('italic', value);
  }

  /** Appends text that opens `url` (a `text_link` entity; the text stays literal). */
  link(value: string, url: string): this {
    if (value.length > 0) {
      this.entities.push({
        type: 'text_link',
        offset: this.text.length,
        length: value.length,
        url,
      });
      this.text += value;
    }
    return this;
  }

  /** Appends a line break. */
  newline(): this {
    this.text += '\n';
    return this;
  }

  build(): FormattedText {
    return { text: this.text, entities: [...this.entities] };
  }
}

/** Params for sendMessage / editMessageText: entities only when there are some. */
export function textParams(formatted: FormattedText): Record<string, unknown> {
  return formatted.entities.length > 0
    ? { text: formatted.text, entities: formatted.entities }
    : { text: formatted.text };
}
