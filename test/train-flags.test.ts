/**
 * The train command's flags (scripts/train-flags.ts): --help lists every flag
 * with its default, and a bad command line is refused before anything loads.
 * (The --save writability check needs the file system: it is exercised by
 * running the command, see the README.)
 */
import { expect } from 'chai';
import { FLAGS, FlagError, helpText, parseFlags, PRESETS } from '../scripts/train-flags.js';

describe('train command flags', () => {
  it('--help lists every flag with its default', () => {
    expect(parseFlags(['--help'])).to.deep.equal({ help: 'true' });
    const help = helpText();
    for (const [name, spec] of Object.entries(FLAGS)) {
      const line = help.split('\n').find((l) => l.trimStart().startsWith(`--${name} `));
      expect(line, `--${name} in the help`).to.not.equal(undefined);
      if (spec.kind.type !== 'switch') expect(line).to.match(/\(default: [^)]+\)$/);
    }
    expect(help).to.include('--epochs         INT  epochs (default: 3)');
    expect(help).to.include('--optimizer      sgd|momentum|nesterov|adagrad|rmsprop|adam  optimizer (default: rmsprop)');
  });

  it('merges the preset under the command line, in --flag value and --flag=value forms', () => {
    const f = parseFlags(['--preset', 'keras-mlp', '--epochs=2', '--lr', '0.01']);
    expect(f).to.deep.include({ ...PRESETS['keras-mlp'], preset: 'keras-mlp', epochs: '2', lr: '0.01' });
    expect(parseFlags([])).to.deep.equal(PRESETS.small);
  });

  it('lesson 9\'s presets differ only in depth and skips', () => {
    const [p20, p56, r56] = ['plain-20', 'plain-56', 'residual-56'].map((name) => parseFlags(['--preset', name]));
    expect(p20).to.deep.equal({ ...p56, depth: '20', preset: 'plain-20' });
    expect(r56).to.deep.equal({ ...p56, residual: 'true', preset: 'residual-56' });
    expect(p56).to.include({ depth: '56', activation: 'relu', init: 'glorot' });
    // a preset's --layers gives way to --depth from the command line
    expect(parseFlags(['--preset', 'keras-mlp', '--depth', '8'])).to.include({ depth: '8', layers: '512,512' });
  });

  const refused: [string[], string][] = [
    [['--epoch', '1'], 'unknown flag --epoch (did you mean --epochs?)'],
    [['--batch_size', '64'], 'unknown flag --batch_size (did you mean --batch-size?)'],
    [['--learning-rate', '0.1'], 'unknown flag --learning-rate'],
    [['--epochs', 'three'], '--epochs must be an integer >= 1, got "three"'],
    [['--epochs', '0'], '--epochs must be an integer >= 1, got "0"'],
    [['--epochs', '1.5'], '--epochs must be an integer >= 1, got "1.5"'],
    [['--epochs'], '--epochs needs a value'],
    [['--epochs', '--lr', '0.1'], '--epochs needs a value'],
    [['--lr', '0'], '--lr must be a number > 0, got "0"'],
    [['--dropout', '1'], '--dropout must be a number >= 0 and < 1, got "1"'],
    [['--optimizer', 'adamw'], '--optimizer must be one of sgd, momentum, nesterov, adagrad, rmsprop, adam, got "adamw" (did you mean "adam"?)'],
    [['--preset', 'big'], '--preset must be one of small, keras-mlp, maxout, plain-20, plain-56, residual-56, got "big"'],
    [['--residual'], '--residual needs --depth N'],
    [['--depth', '55', '--residual'], '--residual needs an even --depth'],
    [['--depth', '1'], '--depth must be an integer >= 2, got "1"'],
    [['--depth', '20', '--layers', '64'], '--depth replaces --layers and --maxout'],
    [['--width', '0'], '--width must be an integer >= 1, got "0"'],
    [['--layers', '512,,10'], '--layers must be positive integers separated by commas'],
    [['--maxout', '240*5'], '--maxout must be UNITSxPIECES'],
    [['--verbose', '3'], '--verbose must be one of 0, 1, 2, got "3"'],
    [['--help=yes'], '--help takes no value'],
    [['--epochs', '2', '--epochs', '3'], '--epochs is given twice'],
    [['epochs=3'], 'unexpected argument "epochs=3"'],
    [['--patience', '2'], '--patience needs --validation N'],
    [['--validation', '60000'], '--validation must leave training images'],
    [['--save', 'weights.txt'], '--save must name a .safetensors or .json file, got "weights.txt"'],
    [['--layout', 'torch'], '--layout must be one of keras, pytorch, got "torch"'],
  ];
  for (const [argv, message] of refused) {
    it(`refuses ${argv.join(' ')}`, () => {
      expect(() => parseFlags(argv)).to.throw(FlagError, message);
    });
  }
});
